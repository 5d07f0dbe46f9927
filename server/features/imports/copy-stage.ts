import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowColumns, type Column } from '../../../src/lib/shared/billing-rows.js';
import { selectRows } from '../../db/client.js';
import { CopyRefused, type CopyingTransaction } from '../../db/copy.js';
import { plainLines } from './import-lines.js';
import type { ImportKind, RowRules } from '../../domain/import-rows.js';
import { stagedType } from './staging.js';

/**
 * Kinds read by COPY when their file is plain; customers have text columns without a plain
 * form (import-lines.ts), so they are always read row by row.
 */
const copiedKinds = new Set<ImportKind>(['readings', 'bills', 'payments']);

/**
 * The row-level checks (import-rows.ts) as conditions on a staged row. A file with a row
 * that fails one is read row by row, which reports it as it always has.
 */
const rowLevelFailures: Partial<Record<ImportKind, string>> = {
  bills: 'total <> water_charge::bigint + sewer_charge'
};

class NotPlain extends Error {}

/**
 * The staging table as COPY fills it: the same columns as the row-by-row path's, typed, with
 * the line numbered as it arrives and usage, written in m³, kept in tenths by the database.
 */
function copyStaging(kind: ImportKind): { create: string; columnOf: (csv: string) => string } {
  const columns = rowColumns[kind] as readonly Column[];
  const definitions = columns.map((column) =>
    column.type === 'usageTenths'
      ? `${column.csv} numeric, ${column.db} int generated always as ((${column.csv} * 10)::int) stored`
      : `${column.db} ${stagedType(column)}`
  );
  const byCsv = new Map(columns.map((column) => [column.csv, column.type === 'usageTenths' ? column.csv : column.db]));
  return {
    create: `create temp table staging_${kind} (line int generated always as identity (start with 2), ${definitions.join(', ')}) on commit drop`,
    columnOf: (csv) => byCsv.get(csv)!
  };
}

/**
 * The fast path: a plain file (import-lines.ts) goes by COPY straight into the staging table
 * the row-by-row path would have filled, with the same rows, so the database checks and the
 * apply that follow are the same. Whether the file is plain is learnt while its bytes stream
 * to the database; a file that is not, or that the database refuses (a date that does not
 * exist, a field too many), is undone to a savepoint and read row by row, so its report is
 * exactly today's. Returns undefined then. Expects the row-by-row staging table to exist.
 */
export async function stageByCopy(
  tx: CopyingTransaction,
  kind: ImportKind,
  path: string,
  header: string[],
  rules: RowRules,
  /** Called as every `progress.every` lines reach the database (the header aside). */
  progress: { every: number; report: (rows: number) => void }
): Promise<{ rowsRead: number; sha256: string; keysAscending: boolean } | undefined> {
  const lines = copiedKinds.has(kind) ? plainLines(kind, header, rules) : undefined;
  if (!lines) return undefined;
  const staging = copyStaging(kind);
  const hash = createHash('sha256');
  let reported = 0;
  try {
    return await tx.savepoint(async (savepoint) => {
      await savepoint.db.execute(sql.raw(`drop table staging_${kind}`));
      await savepoint.db.execute(sql.raw(staging.create));
      await savepoint.copyFromFile(
        `staging_${kind} (${header.map(staging.columnOf).join(', ')})`,
        `format csv, header true, encoding 'UTF8'`,
        path,
        (chunk) => {
          hash.update(chunk);
          lines.feed(chunk);
          for (; lines.rows - reported >= progress.every; reported += progress.every) progress.report(reported + progress.every);
        }
      );
      const { plain, rows, keysAscending } = lines.finish();
      if (!plain) throw new NotPlain();
      const failing = rowLevelFailures[kind];
      if (failing) {
        const [found] = await selectRows<{ failing: boolean }>(savepoint.db, sql.raw(`select exists (select 1 from staging_${kind} where ${failing}) as failing`));
        if (found?.failing) throw new NotPlain();
      }
      return { rowsRead: rows, sha256: hash.digest('hex'), keysAscending };
    });
  } catch (error) {
    // Whatever COPY refused, the row-by-row path reads and reports; a lost connection fails that path too.
    if (error instanceof NotPlain || error instanceof CopyRefused || isDataError(error)) return undefined;
    throw error;
  }
}

/** PostgreSQL's class 22, data exception: a date that does not exist, bytes that are not UTF-8, a line with too many or too few fields. drizzle wraps it as the cause. */
function isDataError(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('22')) return true;
  }
  return false;
}
