import { rename, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { createBusinessCalendar } from '../domain/calendar.js';
import { exportApprovedChanges, exportPaperSlipChanges } from '../features/exports/service.js';
import { commandConfig, openForCommand, UTILITY_USAGE, utilityOption } from './command.js';
import { exitWithUsage, resolveFromCaller, UsageError } from './usage.js';

const usage = `npm run export -- paperless|changes [--out FILE] ${UTILITY_USAGE}`;

/** Each export: what it hands over, and how the summary names its rows. */
const exports = {
  paperless: { run: exportPaperSlipChanges, rows: 'paper-slip change(s)' },
  changes: { run: exportApprovedChanges, rows: 'holder / billing-address / move change(s)' }
} as const;
type ExportKind = keyof typeof exports;

type Deliver = (csv: string) => Promise<void>;

function readArguments(): { kind: ExportKind; out: string | undefined; utility: string | undefined } {
  try {
    const parsed = parseArgs({ options: { out: { type: 'string' }, ...utilityOption }, allowPositionals: true, strict: true });
    const [kind, ...extra] = parsed.positionals;
    if (kind !== 'paperless' && kind !== 'changes') throw new UsageError(kind === undefined ? 'which export?' : `unknown export: ${kind}`);
    if (extra.length > 0) throw new UsageError(`unexpected argument: ${extra[0]}`);
    return { kind, out: parsed.values.out === undefined ? undefined : resolveFromCaller(parsed.values.out), utility: parsed.values.utility };
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(error, usage);
    if (error instanceof TypeError) exitWithUsage(new UsageError(error.message), usage);
    throw error;
  }
}

function writeToStdout(csv: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(csv, (error) => (error ? reject(error) : resolve()));
  });
}

/**
 * The file appears under its name complete or not at all, so a billing system polling the
 * folder never picks up half of it. It is renamed before the rows are committed as exported:
 * if the commit then fails, the next run hands the same rows over again, which the billing
 * system can absorb, whereas renaming after the commit could lose them.
 */
function writeToFile(file: string): Deliver {
  return async (csv) => {
    const partial = `${file}.partial`;
    await writeFile(partial, csv, { flush: true });
    await rename(partial, file);
  };
}

const { kind, out, utility } = readArguments();
const config = commandConfig(utility, usage);
const { database } = await openForCommand(config);
try {
  const result = await exports[kind].run({ db: database.db, now: new Date() }, {
    calendar: createBusinessCalendar(config.profile.closingDays),
    deliver: out === undefined ? writeToStdout : writeToFile(out)
  });
  // stderr, because stdout may be the file itself.
  process.stderr.write(`exported ${result.rows} ${exports[kind].rows} effective until ${result.effectiveUntil} to ${out ?? 'stdout'}\n`);
  if (result.withheld > 0) process.stderr.write(`withheld ${result.withheld} change(s) for contracts that have ended or end before they take effect; they stay pending\n`);
} finally {
  await database.close();
}
