import { basename } from 'node:path';
import { sql } from 'drizzle-orm';
import type { UtilityProfile } from '../../config.js';
import { selectRows, type Database } from '../../db/client.js';
import { utilityOf, withUtility } from '../../db/in-utility.js';
import type { JobDeps } from '../../service-deps.js';
import { importRuns } from '../../db/schema.js';
import { audit } from '../audit/service.js';
import { checkHeader, type ImportKind, type RowRules } from '../../domain/import-rows.js';
import { LISTED_BAD_LINES, ProblemLog, type ProblemSummary } from './problem-log.js';
import { CsvSyntaxError, detectEncoding, readCsvHeader, type Encoding } from './source.js';
import { checkRowsOnThread } from './check-thread.js';
import { malformedCsv, PROGRESS_EVERY } from './row-check.js';
import { queueDeliveries } from '../notices/deliveries.js';
import { transactionWithCopy, type CopyingTransaction } from '../../db/copy.js';
import { stageByCopy } from './copy-stage.js';
import { targets, type ApplyContext, type DatabaseCheck, type Target } from './targets.js';

export interface ImportFile {
  kind: ImportKind;
  path: string;
  /** The file's name in the report, import_runs and the audit log, when not its path's (an upload is stored under a name of our own). */
  name?: string;
  /** Forced encoding; detected from the bytes when absent. */
  encoding?: Encoding;
}

export interface ImportOptions {
  rules: RowRules;
  /** The profile's thresholds for the notices an import makes (usage alerts). */
  notices: UtilityProfile['notices'];
  /** Who ran it, for import_runs and the audit log: "cli:<user>", or the staff member's address. */
  ranBy: string;
  /** The staff member who uploaded the file in the console; none from the command line. */
  staffId?: number;
  /** Check everything and report what would change, then change nothing. */
  dryRun?: boolean;
  onProgress?: (kind: ImportKind, rowsRead: number) => void;
  /** Skip the COPY fast path: the reference its tests compare with. */
  rowByRow?: boolean;
}

export interface FileReport extends ProblemSummary {
  kind: ImportKind;
  fileName: string;
  encoding: Encoding;
  sha256: string;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Not errors: unknown columns, ignored. */
  warnings: string[];
}

export interface ImportResult {
  status: 'imported' | 'unchanged' | 'rejected' | 'dry-run';
  files: FileReport[];
}

/**
 * Any constant: every import of a utility takes this lock, with its utility's hash as the second
 * key, for its transaction, so two of one utility run one after the other (a cron job and a staff
 * upload, two staff at once), and those of different utilities side by side. Side by side each
 * would find the other's new rows missing and the second would fail on the key; in turn, the
 * second finds the first's rows and reports them unchanged.
 */
export const IMPORT_LOCK_KEY = 727_002;


class Rejected extends Error {}
class DryRunDone extends Error {}

function emptyReport(file: ImportFile, encoding: Encoding): FileReport {
  return {
    ...new ProblemLog().summary(),
    kind: file.kind,
    fileName: file.name ?? basename(file.path),
    encoding,
    sha256: '',
    rowsRead: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    warnings: []
  };
}

/** Unknown columns are named up to this many; a header of thousands is a wrong file, not thousands of warnings. */
const NAMED_UNKNOWN_COLUMNS = 20;

function unknownColumnWarnings(unknown: string[]): string[] {
  const names = [...new Set(unknown)];
  const warnings = names.slice(0, NAMED_UNKNOWN_COLUMNS).map((name) => `unknown column "${name}" ignored / 不明な列「${name}」は無視しました`);
  const more = names.length - NAMED_UNKNOWN_COLUMNS;
  if (more > 0) warnings.push(`${more.toLocaleString('en')} more unknown columns ignored / ほかに不明な列 ${more.toLocaleString('en')} 列を無視しました`);
  return warnings;
}

/**
 * Reads the whole file into the staging table. Good rows are staged even in a file already
 * known to be bad, so that the database checks report their problems too: the report lists
 * every bad line at once. Returns the file's bad lines so far and the database checks the
 * staged rows still need (none when the header alone rules the file out).
 */
async function stageFile(
  copying: CopyingTransaction,
  file: ImportFile,
  report: FileReport,
  target: Target,
  options: ImportOptions
): Promise<{ log: ProblemLog; checks?: DatabaseCheck[] }> {
  const log = new ProblemLog();
  let fields: string[];
  try {
    // Only the header is read here: the rows go by COPY or through the checking thread, each reading the file anew.
    fields = await readCsvHeader(file.path, report.encoding);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    log.addLine(error.line, [malformedCsv(error.line, error.code)]);
    return { log };
  }
  const header = checkHeader(file.kind, fields);
  if (header.missing.length > 0) {
    log.addLine(
      1,
      header.missing.map((name) => ({ line: 1, column: name, value: '', reason: { ja: '必須の列がありません', en: 'required column is missing' } }))
    );
  }
  report.warnings = unknownColumnWarnings(header.unknown);
  if (header.missing.length > 0) return { log };

  const tx = copying.db;
  await tx.execute(sql.raw(target.createStaging));
  // A UTF-8 file read as written goes to the database whole; any other is read row by row below.
  const copied =
    report.encoding === 'utf8' && !options.rowByRow
      ? await stageByCopy(copying, file.kind, file.path, fields, options.rules, {
          every: PROGRESS_EVERY,
          report: (rows) => options.onProgress?.(file.kind, rows)
        })
      : undefined;
  if (copied) {
    report.rowsRead = copied.rowsRead;
    report.sha256 = copied.sha256;
    options.onProgress?.(file.kind, report.rowsRead);
    return { log, checks: copied.keysAscending ? target.databaseChecks.filter((check) => !check.repeatedKey) : target.databaseChecks };
  }
  // One batch is written while the checking thread reads the next: the database and the parser work at once.
  let inFlight: Promise<unknown> = Promise.resolve();
  let checked: ProblemLog | undefined;
  const checking = checkRowsOnThread({ kind: file.kind, path: file.path, encoding: report.encoding, rules: options.rules });
  for await (const message of checking.messages) {
    if (message.type === 'progress') options.onProgress?.(file.kind, message.rowsRead);
    if (message.type === 'rows') {
      await inFlight;
      // Promise.resolve runs drizzle's lazy query exactly once; each .then of the query itself would run it again.
      inFlight = Promise.resolve(
        tx.execute(sql`${sql.raw(target.insertStaging)} (${message.json}::json) as input(${sql.raw(target.stagingColumnList)})`)
      );
      // Awaited before the next batch; this only keeps a failure from counting as unhandled meanwhile.
      inFlight.catch(() => {});
      checking.took();
    }
    if (message.type === 'done') {
      report.rowsRead = message.rowsRead;
      report.sha256 = message.sha256;
      checked = ProblemLog.from(message.problems);
      options.onProgress?.(file.kind, report.rowsRead);
    }
  }
  await inFlight;
  return { log: checked!, checks: target.databaseChecks };
}

interface FoundRow {
  check_no: number;
  line: number;
  column: string;
  value: string;
  ja: string;
  en: string;
}

/**
 * Runs the database checks as one query: only the problems of the first
 * LISTED_BAD_LINES lines found come back, the lines after them only as counts, so a file
 * of a million repeated keys costs the process no more than one of a thousand.
 */
async function checkAgainstDatabase(tx: Database, checks: DatabaseCheck[], log: ProblemLog) {
  if (checks.length === 0) return;
  const found = withUtility(
    `with found as materialized (${checks
      .map((check, index) => `select ${index} as check_no, line, "column", value, ja, en from (${check.sql}) check_${index}`)
      .join(' union all ')})`,
    utilityOf(tx)
  );
  const rows = await selectRows<FoundRow>(
    tx,
    sql`${found}, listed as (select distinct line from found order by line limit ${LISTED_BAD_LINES})
      select * from found where line in (select line from listed) order by line, check_no`
  );
  for (let start = 0; start < rows.length; ) {
    let end = start;
    while (end < rows.length && rows[end]!.line === rows[start]!.line) end += 1;
    const problems = rows.slice(start, end).map((row) => ({
      line: row.line,
      column: row.column,
      value: row.value,
      reason: { ja: row.ja, en: row.en },
      rule: checks[row.check_no]!.rule
    }));
    log.addLine(rows[start]!.line, problems);
    start = end;
  }
  const lastListed = rows.at(-1)?.line;
  if (lastListed === undefined || new Set(rows.map((row) => row.line)).size < LISTED_BAD_LINES) return;
  const counts = await selectRows<{ check_no: number | null; column: string | null; problems: number; lines: number }>(
    tx,
    sql`${found} select check_no, "column", count(*)::int as problems, count(distinct line)::int as lines
      from found where line > ${lastListed} group by grouping sets ((check_no, "column"), ())`
  );
  const byRule = counts.filter((count) => count.check_no !== null);
  log.addCounted(
    counts.find((count) => count.check_no === null)?.lines ?? 0,
    byRule.map((count) => ({ column: count.column!, rule: checks[count.check_no!]!.rule, count: count.problems }))
  );
}

async function applyFile(tx: Database, target: Target, report: FileReport, context: ApplyContext) {
  for (const statement of target.apply) {
    const [counts] = await selectRows<{ inserted?: number; updated?: number }>(tx, statement(context));
    report.inserted += Number(counts?.inserted ?? 0);
    report.updated += Number(counts?.updated ?? 0);
  }
  report.unchanged = report.rowsRead - report.inserted - report.updated;
}

/** Through the owner's function (drizzle 0022): the portal's role may not ANALYZE a table itself. */
async function analyzeTables(db: Database, tables: string[]) {
  await db.execute(sql`select analyze_tables(array[${sql.join(tables.map((table) => sql`${table}`), sql`, `)}]::text[])`);
}

async function analyzeTouched(db: Database, files: ImportFile[]) {
  await analyzeTables(db, [...new Set(files.flatMap((file) => targets[file.kind].touched))]);
}

/**
 * Imports a set of billing-system files in one transaction, in the order given (customers
 * before the files that refer to them): every file is read and checked in full, and any
 * bad line anywhere leaves the database exactly as it was. A row equal to the stored one
 * changes nothing (no new sync version); a different one replaces it with a new version.
 * The notices the changed rows cause are made and queued for delivery in the same transaction,
 * dated when the import started.
 */
export async function importFiles({ db, now }: JobDeps, files: ImportFile[], options: ImportOptions): Promise<ImportResult> {
  const kinds = files.map((file) => file.kind);
  if (new Set(kinds).size !== kinds.length) throw new Error('one file of each kind per import');
  const reports: FileReport[] = [];
  const startedAt = now;
  try {
    await transactionWithCopy(db, async (copying) => {
      const tx = copying.db;
      await tx.execute(sql`select pg_advisory_xact_lock(${IMPORT_LOCK_KEY}, hashtext(current_setting('app.utility')))`);
      for (const file of files) {
        const report = emptyReport(file, file.encoding ?? (await detectEncoding(file.path)));
        reports.push(report);
        const target = targets[file.kind];
        const { log, checks } = await stageFile(copying, file, report, target, options);
        if (checks) {
          await tx.execute(sql.raw(`analyze ${target.table}`));
          await checkAgainstDatabase(tx, checks, log);
        }
        if (!log.isEmpty) {
          Object.assign(report, log.summary());
          throw new Rejected();
        }
        await applyFile(tx, target, report, { now: startedAt, utility: utilityOf(tx), notices: options.notices });
        // A utility's first faucets: until the planner counts them (ANALYZE counts the transaction's
        // own rows), it takes the utility for empty and joins the next file's rows to them one by
        // one — minutes for a town's readings (bench --scale utilities).
        if (file.kind === 'customers' && report.inserted > 0) await analyzeTables(tx, ['faucets', 'contracts']);
        await tx.insert(importRuns).values({
          kind: report.kind,
          fileName: report.fileName,
          sha256: report.sha256,
          encoding: report.encoding,
          ranBy: options.ranBy,
          startedAt,
          finishedAt: new Date(),
          rowsRead: report.rowsRead,
          inserted: report.inserted,
          updated: report.updated,
          unchanged: report.unchanged
        });
        await audit(
          tx,
          { staffId: options.staffId ?? null, email: options.ranBy },
          {
            action: 'import',
            targetKind: report.kind,
            targetId: report.fileName,
            details: { sha256: report.sha256, rowsRead: report.rowsRead, inserted: report.inserted, updated: report.updated, unchanged: report.unchanged }
          },
          startedAt
        );
      }
      await queueDeliveries(tx, startedAt);
      if (options.dryRun) throw new DryRunDone();
    });
  } catch (error) {
    if (error instanceof Rejected) {
      for (const report of reports) Object.assign(report, { inserted: 0, updated: 0, unchanged: 0 });
      return { status: 'rejected', files: reports };
    }
    if (error instanceof DryRunDone) return { status: 'dry-run', files: reports };
    throw error;
  }
  const changed = reports.some((report) => report.inserted + report.updated > 0);
  // After the commit: the planner's row counts of a table that grew by a file are otherwise wrong until autovacuum comes by.
  if (changed) await analyzeTouched(db, files);
  return { status: changed ? 'imported' : 'unchanged', files: reports };
}
