import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { importKinds, rowRulesOf, type ImportKind } from '../domain/import-rows.js';
import { exitCodeOf, formatReport } from '../features/imports/report.js';
import { importFiles } from '../features/imports/service.js';
import type { Encoding } from '../features/imports/source.js';
import { commandConfig, openForCommand, UTILITY_USAGE, utilityOption } from './command.js';
import { exitWithUsage, resolveFromCaller, UsageError } from './usage.js';

const usage = `npm run import -- <customers|readings|bills|payments> <file.csv> [--encoding utf8|sjis] [--dry-run] ${UTILITY_USAGE}`;

function readArguments(): { kind: ImportKind; path: string; encoding: Encoding | undefined; dryRun: boolean; utility: string | undefined } {
  try {
    const { values, positionals } = parseArgs({
      allowPositionals: true,
      options: { encoding: { type: 'string' }, 'dry-run': { type: 'boolean', default: false }, ...utilityOption }
    });
    const [kind, path, ...extra] = positionals;
    const knownKind = importKinds.find((candidate) => candidate === kind);
    if (!knownKind) throw new UsageError(`unknown file kind "${kind ?? ''}"`);
    if (!path) throw new UsageError('no file given');
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    if (values.encoding !== undefined && values.encoding !== 'utf8' && values.encoding !== 'sjis') {
      throw new UsageError(`--encoding must be utf8 or sjis, not "${values.encoding}"`);
    }
    const file = resolveFromCaller(path);
    if (!existsSync(file)) throw new UsageError(`cannot read ${file}`);
    return { kind: knownKind, path: file, encoding: values.encoding, dryRun: values['dry-run'], utility: values.utility };
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(error, usage);
    if (error instanceof TypeError) exitWithUsage(new UsageError(error.message), usage);
    throw error;
  }
}

const args = readArguments();
const config = commandConfig(args.utility, usage);
const { database } = await openForCommand(config);
try {
  const result = await importFiles({ db: database.db, now: new Date() }, [{ kind: args.kind, path: args.path, encoding: args.encoding }], {
    rules: rowRulesOf(config.profile),
    notices: config.profile.notices,
    ranBy: `cli:${userInfo().username}`,
    dryRun: args.dryRun,
    onProgress: (kind, rows) => process.stderr.write(`${kind}: ${rows.toLocaleString('en')} rows read\n`)
  });
  process.stdout.write(formatReport(result));
  process.exitCode = exitCodeOf(result);
} finally {
  await database.close();
}
