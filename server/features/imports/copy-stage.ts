import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { rowColumns, type Column, type ColumnType } from '../../../src/lib/shared/billing-rows.js';
import { selectRows, type Database } from '../../db/client.js';
import { copyFromFile, CopyRefused } from '../../db/copy.js';
import { columnSpecs, takenAsWritten, type ImportKind, type RowRules } from '../../domain/import-rows.js';

type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/**
 * What a raw cell must look like for the database to take it as written, and the typed value
 * it stages. Each pattern accepts only text the row checks (server/domain/import-rows.ts) read
 * unchanged: ASCII digits (`[0-9]`, not `\d`, which may match full-width digits), no spaces,
 * no signs. A date that matches but does not exist fails its cast, and the file falls back.
 */
const asWritten: Partial<Record<Exclude<ColumnType, { oneOf: readonly string[] }>, { pattern: string; value: (cell: string) => string }>> = {
  period: { pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', value: (cell) => cell },
  date: { pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value: (cell) => `${cell}::date` },
  meterTenths: { pattern: '^[0-9]{1,9}(\\.[0-9])?$', value: (cell) => `${cell}::numeric` },
  usageTenths: { pattern: '^[0-9]{1,8}(\\.[0-9])?$', value: (cell) => `(${cell}::numeric * 10)::int` }
};

/**
 * Kinds whose every column the fast path can check in SQL. Bills have a row-level check (total)
 * and payments, customers columns without a pattern here; they are read row by row.
 */
const fastKinds = new Set<ImportKind>(['readings']);

class FallBack extends Error {}

const rawColumn = (column: Column) => `raw_${column.csv}`;

/** The condition a raw row meets when every cell is taken as written, faucet numbers aside (checked in Node). */
function cleanCondition(columns: readonly Column[]): string {
  return columns
    .filter((column) => column.type !== 'faucetNo')
    .map((column) => {
      const { pattern } = asWritten[column.type as keyof typeof asWritten]!;
      const matches = `${rawColumn(column)} ~ '${pattern}'`;
      return column.required ? matches : `(${rawColumn(column)} is null or ${matches})`;
    })
    .join(' and ');
}

interface Counted {
  bytes: number;
  lineEnds: number;
  lastByte: number | undefined;
}

/** Physical lines of the file: the last one counts even without a line end. */
const linesOf = ({ bytes, lineEnds, lastByte }: Counted) => (bytes === 0 ? 0 : lineEnds + (lastByte === 0x0a ? 0 : 1));

/**
 * The fast path of a UTF-8 file whose header names only known columns: COPY it into a raw
 * table of text, check every cell in SQL and move the rows, typed, into the staging table that
 * the row-by-row path would have filled. Returns false, with nothing staged, when any line is
 * not what that path would read as written (full-width digits, spaces, an empty or quoted
 * line end, a wrong number of fields, bytes that are not UTF-8, a bad faucet number …): those
 * files are read row by row, so their report is exactly today's. The lines must be one record
 * each, so that a row's position is its line number.
 */
export async function stageByCopy(
  tx: Transaction,
  kind: ImportKind,
  path: string,
  header: string[],
  rules: RowRules,
  /** Called as every `progress.every` lines reach the database (the header aside). */
  progress: { every: number; report: (rows: number) => void }
): Promise<{ rowsRead: number; sha256: string } | undefined> {
  const columns = rowColumns[kind] as readonly Column[];
  const known = new Map(columns.map((column) => [column.csv, column]));
  if (!fastKinds.has(kind) || new Set(header).size !== header.length || header.some((name) => !known.has(name))) return undefined;
  const raw = `raw_${kind}`;
  const hash = createHash('sha256');
  const counted: Counted = { bytes: 0, lineEnds: 0, lastByte: undefined };
  try {
    return await tx.transaction(async (savepoint) => {
      await savepoint.execute(
        sql.raw(`create temp table ${raw} (line int generated always as identity (start with 2),
          ${columns.map((column) => `${rawColumn(column)} text`).join(', ')}) on commit drop`)
      );
      await copyFromFile(
        savepoint,
        `${raw} (${header.map((name) => rawColumn(known.get(name)!)).join(', ')})`,
        `format csv, header true, encoding 'UTF8'`,
        path,
        (chunk) => {
          hash.update(chunk);
          counted.bytes += chunk.length;
          for (let at = chunk.indexOf(0x0a); at !== -1; at = chunk.indexOf(0x0a, at + 1)) {
            counted.lineEnds += 1;
            if ((counted.lineEnds - 1) % progress.every === 0 && counted.lineEnds > 1) progress.report(counted.lineEnds - 1);
          }
          counted.lastByte = chunk.at(-1);
        }
      );
      const data = columns.filter((column) => column.type !== 'faucetNo');
      const [moved] = await selectRows<{ rows: number; moved: number }>(
        savepoint,
        sql.raw(`with moved as (
          insert into staging_${kind} (line, faucet_no, ${data.map((column) => column.db).join(', ')})
          select line, raw_faucet_no, ${data
            .map((column) => asWritten[column.type as keyof typeof asWritten]!.value(rawColumn(column)))
            .join(', ')}
          from ${raw} where raw_faucet_no is not null and ${cleanCondition(columns)}
          returning 1
        ) select (select count(*) from ${raw})::int as rows, (select count(*) from moved)::int as moved`)
      );
      if (!moved || moved.rows !== moved.moved || linesOf(counted) !== moved.rows + 1) throw new FallBack();
      // Faucet numbers follow the profile's pattern, which only Node can check: once per number.
      const faucetColumn = columnSpecs[kind].find((column) => column.type === 'faucetNo')!;
      const numbers = await selectRows<{ faucet_no: string }>(savepoint, sql.raw(`select distinct faucet_no from staging_${kind}`));
      if (!numbers.every(({ faucet_no }) => takenAsWritten(faucetColumn, faucet_no, rules))) throw new FallBack();
      await savepoint.execute(sql.raw(`drop table ${raw}`));
      return { rowsRead: moved.rows, sha256: hash.digest('hex') };
    });
  } catch (error) {
    // Whatever COPY or a cast refused, the row-by-row path reads and reports; a lost connection fails that path too.
    if (error instanceof FallBack || error instanceof CopyRefused || isDataError(error)) return undefined;
    throw error;
  }
}

/** PostgreSQL's class 22, data exception: a cast that fails, bytes that are not UTF-8, a line with too many or too few fields. drizzle wraps it as the cause. */
function isDataError(error: unknown): boolean {
  for (let cause = error; cause instanceof Error; cause = cause.cause) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('22')) return true;
  }
  return false;
}
