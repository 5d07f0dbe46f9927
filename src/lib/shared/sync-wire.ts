/**
 * What sync.pull sends and receives. Rows travel as tuples, not objects: a device's first
 * pull of 20 faucets × 24 months stays a few tens of kilobytes. Bump SYNC_FORMAT whenever a
 * shape here changes: a device on another format is told to drop its copy and pull anew.
 */
export const SYNC_FORMAT = 3;

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
  paymentMethod: 'transfer' | 'invoice';
  /** YYYY-MM-DD: when the contract this link is bound to started. */
  contractStart: string;
  fromPeriod: string;
  toPeriod: string | null;
}

/** [faucetNo, period, readingDate, meterTenths, usageTenths, nextReadingDate] */
export type ReadingTuple = [string, string, string, number, number, string | null];
/** [faucetNo, period, usageTenths, waterCharge, sewerCharge, total, tax, issueDate, dueDate, transferDate] */
export type BillTuple = [string, string, number, number, number, number, number | null, string, string | null, string | null];
/** [faucetNo, period, amount, method, result, paidOn] */
export type PaymentTuple = [string, string, number, 'transfer' | 'convenience' | 'counter' | 'other', 'paid' | 'failed', string | null];

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
}
