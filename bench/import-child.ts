import { configuredTarget, openDatabase } from '../server/db/client.js';
import { loadConfig } from '../server/config.js';
import { migrate } from '../server/db/migrate.js';
import { rowRulesOf } from '../server/domain/import-rows.js';
import { importFiles } from '../server/features/imports/service.js';

const [customers, readings] = process.argv.slice(2) as [string, string];
const config = loadConfig(process.env);
const database = await openDatabase(configuredTarget(config, 'command'));
await migrate(database.db);
const options = {
  rules: rowRulesOf(config.profile),
  notices: config.profile.notices,
  ranBy: 'bench',
  onProgress: (kind: string, rows: number) => process.stderr.write(`[bench]   ${kind}: ${rows.toLocaleString('en')} rows\n`)
};
await importFiles({ db: database.db, now: new Date() }, [{ kind: 'customers', path: customers }], options);
const started = performance.now();
const result = await importFiles({ db: database.db, now: new Date() }, [{ kind: 'readings', path: readings }], options);
const ms = performance.now() - started;
const startedAgain = performance.now();
const again = await importFiles({ db: database.db, now: new Date() }, [{ kind: 'readings', path: readings }], options);
const unchangedMs = performance.now() - startedAgain;
await database.close();
if (result.status !== 'imported') throw new Error(`readings import ${result.status}`);
if (again.status !== 'unchanged') throw new Error(`readings import again ${again.status}`);
process.stdout.write(
  `${JSON.stringify({ ms, unchangedMs, rows: result.files[0]!.rowsRead, maxRssMb: process.resourceUsage().maxRSS / 1024 })}\n`
);
