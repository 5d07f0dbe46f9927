import type { NoticeFacts, NoticeTopic } from './notices';
import type { ProcedureRecord } from './procedure-form';
import { billColumns, paymentColumns, readingColumns, type Column, type RowOf, type TupleOf } from './billing-rows';

/**
 * What sync.pull sends and receives. Rows travel as tuples, not objects: a device's first
 * pull of 20 faucets × 24 months stays a few tens of kilobytes. A tuple's order is its column
 * list's (billing-rows.ts), so reordering a list changes the wire. Bump SYNC_FORMAT whenever a
 * shape here or there changes: a device on another format is told to drop its copy and pull anew.
 */
export const SYNC_FORMAT = 7;

export interface PullRequest {
  format: number;
  /** The cursor of the last pull, or null for everything. */
  cursor: number | null;
  /** The faucet links the device holds: a link it lacks gets its whole history. */
  knownLinks: number[];
}

/** A faucet as the customer may see it: periods from `fromPeriod` to `toPeriod` (null: open). */
export interface SyncedFaucet {
  linkId: number;
  faucetNo: string;
  label: string | null;
  supplyAddress: string | null;
  /** The contract holder (給水契約者), as the customer proved them. */
  holderName: string;
  paymentMethod: 'transfer' | 'invoice';
  /** The meter's size in mm, when the billing system sent it: the basic charge follows it. */
  meterSizeMm: number | null;
  /** The tariff district of the supply place (the profile's `tariffDistricts`); null: the utility's own tariff. */
  district: string | null;
  /** YYYY-MM-DD: when the contract this link is bound to started. */
  contractStart: string;
  fromPeriod: string;
  toPeriod: string | null;
}

/** A notice to the customer (お知らせ): its text is written on the device from `facts`, in the reader's language. */
export interface SyncedNotice {
  id: number;
  topic: NoticeTopic;
  facts: NoticeFacts;
  /** ISO 8601 instants. */
  createdAt: string;
  readAt: string | null;
}

/** A procedure the customer filed (各種お手続き), with every status it went through; instants in ISO 8601. */
export type SyncedProcedure = ProcedureRecord<string>;

export type ReadingTuple = TupleOf<typeof readingColumns>;
export type BillTuple = TupleOf<typeof billColumns>;
export type PaymentTuple = TupleOf<typeof paymentColumns>;

/** A row as it travels: its fields in its column list's order. */
export const encodeRow = <const Columns extends readonly Column[]>(columns: Columns, row: RowOf<Columns>): TupleOf<Columns> =>
  columns.map((column) => (row as Record<string, unknown>)[column.field]) as TupleOf<Columns>;

export const decodeRow = <const Columns extends readonly Column[]>(columns: Columns, tuple: TupleOf<Columns>): RowOf<Columns> =>
  Object.fromEntries(columns.map((column, index) => [column.field, (tuple as unknown[])[index]])) as RowOf<Columns>;

export interface PullResponse {
  format: number;
  cursor: number;
  /** The device's copy is from another format or account: drop it and pull with cursor null. */
  reset?: true;
  /** Present when the set of faucets or anything about them changed: the complete list. */
  faucets?: SyncedFaucet[];
  readings?: ReadingTuple[];
  bills?: BillTuple[];
  payments?: PaymentTuple[];
  /** The customer's notices made or read since the cursor; on a first pull those of the last two years. */
  notices?: SyncedNotice[];
  /** The customer's procedures filed or moved since the cursor; on a first pull all of them. */
  procedures?: SyncedProcedure[];
}
