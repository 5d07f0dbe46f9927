import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigint,
  boolean,
  check,
  date,
  index,
  integer,
  pgSequence,
  pgTable,
  serial,
  text,
  timestamp,
  unique,
  uniqueIndex
} from 'drizzle-orm/pg-core';

/**
 * One counter for every synced row: a client keeps the highest version it has seen and
 * asks only for rows above it.
 */
export const syncVersion = pgSequence('sync_version');

const version = () =>
  bigint('version', { mode: 'number' })
    .notNull()
    .default(sql`nextval('sync_version')`);

/** YYYY-MM: the billing period a row belongs to. */
const period = () => text('period').notNull();
const periodCheck = (tableName: string, column: AnyPgColumn) =>
  check(`${tableName}_period`, sql`${column} ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'`);

export const faucets = pgTable('faucets', {
  id: serial('id').primaryKey(),
  faucetNo: text('faucet_no').notNull().unique(),
  version: version()
});

export const contracts = pgTable(
  'contracts',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    holderName: text('holder_name').notNull(),
    holderKana: text('holder_kana'),
    phone: text('phone'),
    supplyAddress: text('supply_address'),
    billingName: text('billing_name'),
    billingPostalCode: text('billing_postal_code'),
    billingAddress: text('billing_address'),
    contractStart: date('contract_start', { mode: 'string' }).notNull(),
    contractEnd: date('contract_end', { mode: 'string' }),
    paymentMethod: text('payment_method', { enum: ['transfer', 'invoice'] }).notNull(),
    version: version()
  },
  (table) => [
    unique('contracts_faucet_start').on(table.faucetId, table.contractStart),
    check('contracts_payment_method', sql`${table.paymentMethod} in ('transfer', 'invoice')`),
    check('contracts_window', sql`${table.contractEnd} is null or ${table.contractEnd} >= ${table.contractStart}`)
  ]
);

export const readings = pgTable(
  'readings',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    period: period(),
    readingDate: date('reading_date', { mode: 'string' }).notNull(),
    meterValue: integer('meter_value').notNull(),
    /** Usage in tenths of a cubic metre: 12.3 m³ is 123. */
    usageTenths: integer('usage_tenths').notNull(),
    nextReadingDate: date('next_reading_date', { mode: 'string' }),
    version: version()
  },
  (table) => [
    uniqueIndex('readings_faucet_period').on(table.faucetId, table.period),
    periodCheck('readings', table.period),
    check('readings_usage', sql`${table.usageTenths} >= 0`)
  ]
);

export const bills = pgTable(
  'bills',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    period: period(),
    usageTenths: integer('usage_tenths').notNull(),
    waterCharge: integer('water_charge').notNull(),
    sewerCharge: integer('sewer_charge').notNull(),
    total: integer('total').notNull(),
    tax: integer('tax'),
    issueDate: date('issue_date', { mode: 'string' }).notNull(),
    dueDate: date('due_date', { mode: 'string' }),
    transferDate: date('transfer_date', { mode: 'string' }),
    version: version()
  },
  (table) => [
    uniqueIndex('bills_faucet_period').on(table.faucetId, table.period),
    periodCheck('bills', table.period),
    check(
      'bills_amounts',
      sql`${table.waterCharge} >= 0 and ${table.sewerCharge} >= 0 and ${table.total} >= 0 and ${table.usageTenths} >= 0`
    )
  ]
);

export const payments = pgTable(
  'payments',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    period: period(),
    amount: integer('amount').notNull(),
    method: text('method', { enum: ['transfer', 'convenience', 'counter', 'other'] }).notNull(),
    result: text('result', { enum: ['paid', 'failed'] }).notNull(),
    paidOn: date('paid_on', { mode: 'string' }),
    version: version()
  },
  (table) => [
    uniqueIndex('payments_faucet_period').on(table.faucetId, table.period),
    periodCheck('payments', table.period),
    check('payments_amount', sql`${table.amount} >= 0`),
    check('payments_method', sql`${table.method} in ('transfer', 'convenience', 'counter', 'other')`),
    check('payments_result', sql`${table.result} in ('paid', 'failed')`)
  ]
);

/** One applied billing-system file: who ran it, when, which bytes, and what it changed. */
export const importRuns = pgTable('import_runs', {
  id: serial('id').primaryKey(),
  kind: text('kind', { enum: ['customers', 'readings', 'bills', 'payments'] }).notNull(),
  fileName: text('file_name').notNull(),
  sha256: text('sha256').notNull(),
  encoding: text('encoding', { enum: ['utf8', 'sjis'] }).notNull(),
  ranBy: text('ran_by').notNull(),
  startedAt: timestamp('started_at', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
  rowsRead: integer('rows_read').notNull(),
  inserted: integer('inserted').notNull(),
  updated: integer('updated').notNull(),
  unchanged: integer('unchanged').notNull()
});

/**
 * A faucet stops (paperless) or resumes receiving the paper slip from effectiveOn; the daily
 * export hands each change to the billing system once (exportedAt).
 */
export const paperSlipChanges = pgTable(
  'paper_slip_changes',
  {
    id: serial('id').primaryKey(),
    faucetId: integer('faucet_id')
      .notNull()
      .references(() => faucets.id),
    paperless: boolean('paperless').notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull(),
    effectiveOn: date('effective_on', { mode: 'string' }).notNull(),
    exportedAt: timestamp('exported_at', { withTimezone: true })
  },
  (table) => [index('paper_slip_changes_pending').on(table.exportedAt)]
);
