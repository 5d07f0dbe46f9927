import { rowColumns, type Column, type ColumnType, type RowsByKind } from '../../../src/lib/shared/billing-rows.js';
import type { ImportKind } from '../../domain/import-rows.js';

/*
 * How a checked row is staged: what the checking thread (row-check.ts) needs of the import's
 * targets, apart from targets.ts and its SQL, so that the thread loads no database code.
 */

export interface DataColumn {
  column: string;
  type: 'text' | 'int' | 'date' | 'numeric';
  field: string;
  /** The row holds tenths, the table the decimal number itself. */
  tenths: boolean;
}

const pgTypes: Record<Exclude<ColumnType, { oneOf: readonly string[] }>, DataColumn['type']> = {
  faucetNo: 'text',
  period: 'text',
  date: 'date',
  text: 'text',
  phone: 'text',
  postalCode: 'text',
  yen: 'int',
  meterTenths: 'numeric',
  usageTenths: 'int',
  meterSize: 'int',
  district: 'text'
};

/** The type a column is staged as, by either path (copy-stage.ts). */
export const stagedType = (column: Column): DataColumn['type'] => (typeof column.type === 'string' ? pgTypes[column.type] : 'text');

/** A file's columns as its table stores them; the faucet number is staged apart, since the tables hold the faucet's id. */
export const dataColumns = (columns: readonly Column[]): DataColumn[] =>
  columns
    .filter((column) => column.type !== 'faucetNo')
    .map((column) => ({
      column: column.db,
      type: stagedType(column),
      field: column.field,
      tenths: column.type === 'meterTenths'
    }));

/** A checked row as its staging table's record (targets.ts's staging columns), numbered by its line. */
export function stagingRecord<K extends ImportKind>(kind: K): (row: RowsByKind[K], line: number) => Record<string, unknown> {
  const columns = dataColumns(rowColumns[kind]);
  return (row, line) => {
    const record: Record<string, unknown> = { line, faucet_no: (row as { faucetNo: string }).faucetNo };
    for (const column of columns) {
      const value = (row as Record<string, unknown>)[column.field];
      record[column.column] = column.tenths ? (value as number) / 10 : value;
    }
    return record;
  };
}
