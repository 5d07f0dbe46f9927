import { getTableColumns } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { rowColumns, type RowKind } from '../../src/lib/shared/billing-rows.js';
import { bills, contracts, payments, readings } from './schema.js';

const tables: Record<RowKind, PgTable> = { customers: contracts, readings, bills, payments };

describe('the billing tables', () => {
  // Staging and sync address the tables by the shared lists' column names; the schema is written apart for drizzle-kit.
  it.each(Object.keys(tables) as RowKind[])('hold every column of the %s list, not null where the file requires it', (kind) => {
    const stored = Object.values(getTableColumns(tables[kind])).map((column) => ({ db: column.name, required: column.notNull }));
    for (const column of rowColumns[kind].filter((column) => column.type !== 'faucetNo')) {
      expect(stored).toContainEqual({ db: column.db, required: column.required });
    }
  });
});
