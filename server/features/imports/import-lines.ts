import type { Column, ColumnType } from '../../../src/lib/shared/billing-rows.js';
import { columnSpecs, takenAsWritten, type ImportKind, type RowRules } from '../../domain/import-rows.js';

/**
 * Each type's cells as the row checks (import-rows.ts) read them unchanged: ASCII digits, no
 * spaces, no signs, never a quote or a comma. A faucet number may be anything without a quote,
 * comma or line end here; the profile's pattern is checked apart (takenAsWritten).
 */
const plainCells: Partial<Record<Exclude<ColumnType, { oneOf: readonly string[] }>, string>> = {
  faucetNo: '[^,"\\r\\n]+',
  period: '[0-9]{4}-(?:0[1-9]|1[0-2])',
  date: '[0-9]{4}-[0-9]{2}-[0-9]{2}',
  meterTenths: '[0-9]{1,9}(?:\\.[0-9])?',
  usageTenths: '[0-9]{1,8}(?:\\.[0-9])?',
  // Up to 10 digits: one over the int range is plain here, and the database's cast refuses it.
  yen: '[0-9]{1,10}'
};

const escaped = (word: string) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A choice is plain when it is one of its words exactly: normalising changes none of them. */
const patternOf = (column: Column) =>
  typeof column.type === 'string' ? plainCells[column.type] : `(?:${column.type.oneOf.map(escaped).join('|')})`;

export interface PlainLines {
  /** Reads the next bytes of the file, header line first. */
  feed(chunk: Uint8Array): void;
  /**
   * After the last chunk: whether every line was plain, how many rows (lines after the header)
   * there were, and whether each row's key (faucet number, then period) came after the one
   * before it, which rules out a key written twice.
   */
  finish(): { plain: boolean; rows: number; keysAscending: boolean };
  readonly rows: number;
}

/**
 * Whether an import file is plain: UTF-8, one record a line, no quotes, every cell of a type
 * the row checks would take exactly as written, and no empty lines. Such a file can go to the
 * database by COPY, its rows counted by line, and give what validating it row by row would
 * give. Undefined for a header this check cannot follow (an unknown or repeated column, a
 * column type without a plain form).
 */
export function plainLines(kind: ImportKind, header: string[], rules: RowRules): PlainLines | undefined {
  const specs = new Map(columnSpecs[kind].map((column) => [column.csv, column]));
  const columns = header.map((name) => specs.get(name));
  if (new Set(header).size !== header.length || columns.some((column) => !column || !patternOf(column))) return undefined;
  const cells = columns.map((column) => {
    const pattern = `(${patternOf(column!)})`;
    return column!.required ? pattern : `${pattern}?`;
  });
  const line = new RegExp(`^${cells.join(',')}\\r?$`);
  const faucetAt = columns.findIndex((column) => column!.type === 'faucetNo');
  const faucetColumn = columns[faucetAt];
  const periodAt = columns.findIndex((column) => column!.type === 'period');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let plain = true;
  let pending = '';
  let headerSeen = false;
  let rows = 0;
  // Files come sorted by faucet: checking each number when it changes checks every one, in constant memory.
  let lastFaucet: string | undefined;
  let lastPeriod = '';
  let keysAscending = true;

  const check = (text: string) => {
    if (!headerSeen) {
      headerSeen = true;
      return;
    }
    rows += 1;
    const match = line.exec(text);
    if (!match) {
      plain = false;
      return;
    }
    if (faucetColumn) {
      const faucet = match[faucetAt + 1]!;
      const period = periodAt < 0 ? '' : match[periodAt + 1]!;
      if (faucet !== lastFaucet && !takenAsWritten(faucetColumn, faucet, rules)) plain = false;
      if (lastFaucet !== undefined && (faucet < lastFaucet || (faucet === lastFaucet && period <= lastPeriod))) keysAscending = false;
      lastFaucet = faucet;
      lastPeriod = period;
    }
  };
  const take = (text: string, last: boolean) => {
    const lines = (pending + text).split('\n');
    pending = last ? '' : lines.pop()!;
    for (const each of lines) if (plain) check(each);
  };

  return {
    feed(chunk) {
      if (!plain) return;
      try {
        take(decoder.decode(chunk, { stream: true }), false);
      } catch {
        plain = false;
      }
    },
    finish() {
      if (plain) {
        try {
          const rest = decoder.decode();
          // The last line counts even without a line end; an empty one after the last line end is no line.
          if (pending + rest !== '') take(rest, true);
        } catch {
          plain = false;
        }
      }
      return { plain, rows, keysAscending: plain && faucetAt >= 0 && keysAscending };
    },
    get rows() {
      return rows;
    }
  };
}
