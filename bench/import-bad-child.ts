import { loadConfig } from '../server/config.js';
import { configuredTarget, openDatabase } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { rowRulesOf } from '../server/domain/import-rows.js';
import { exitCodeOf, formatReport } from '../server/features/imports/report.js';
import { importFiles } from '../server/features/imports/service.js';

/** `npm run import -- readings <file>` as the CLI runs it, in a process of its own so that its peak RSS is the import's. */
const [readings] = process.argv.slice(2) as [string];
const config = loadConfig(process.env);
const database = await openDatabase(configuredTarget(config, 'command'));
await migrate(database.db);
const result = await importFiles({ db: database.db, now: new Date() }, [{ kind: 'readings', path: readings }], {
  rules: rowRulesOf(config.profile),
  notices: config.profile.notices,
  ranBy: 'bench'
});
const report = formatReport(result);
await database.close();
process.stdout.write(
  `${JSON.stringify({
    exitCode: exitCodeOf(result),
    rowsRead: result.files[0]!.rowsRead,
    reportLines: report.split('\n').length,
    // The report's end: the count of the lines not listed, by rule.
    reportTail: report.split('\n').slice(-4).join('\n'),
    maxRssMb: process.resourceUsage().maxRSS / 1024
  })}\n`
);
