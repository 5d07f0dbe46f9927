import { and, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import {
  SYNC_FORMAT,
  type BillTuple,
  type PaymentTuple,
  type PullRequest,
  type PullResponse,
  type ReadingTuple,
  type SyncedFaucet
} from '../../../src/lib/shared/sync-wire.js';
import { selectRows, type Database } from '../../db/client.js';
import { bills, contracts, faucetLinks, faucets, payments, readings } from '../../db/schema.js';
import { firstVisiblePeriod, lastVisiblePeriod } from '../../domain/visibility.js';

/**
 * The highest version that is final: every transaction with a smaller id has ended, so no
 * row with a smaller version can still appear. Rows at or above it wait for a later pull,
 * which is what keeps a slow writer that commits after a faster one from being skipped.
 */
async function finalHorizon(db: Database): Promise<number> {
  const [row] = await selectRows<{ horizon: string }>(db, sql`select (pg_snapshot_xmin(pg_current_snapshot())::text) as horizon`);
  return Number(row!.horizon);
}

interface Window {
  link: SyncedFaucet;
  faucetId: number;
  /** The link or its contract changed since the cursor. */
  changed: boolean;
}

async function windowsOf(db: Database, customerId: number, cursor: number, horizon: number): Promise<Window[]> {
  const rows = await db
    .select({
      linkId: faucetLinks.id,
      label: faucetLinks.label,
      linkVersion: faucetLinks.version,
      faucetId: faucets.id,
      faucetNo: faucets.faucetNo,
      supplyAddress: contracts.supplyAddress,
      paymentMethod: contracts.paymentMethod,
      contractStart: contracts.contractStart,
      contractEnd: contracts.contractEnd,
      contractVersion: contracts.version
    })
    .from(faucetLinks)
    .innerJoin(contracts, eq(contracts.id, faucetLinks.contractId))
    .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
    .where(eq(faucetLinks.customerId, customerId))
    .orderBy(faucetLinks.linkedAt, faucetLinks.id);
  const inRange = (version: number) => version >= cursor && version < horizon;
  return rows.map((row) => ({
    faucetId: row.faucetId,
    changed: inRange(row.linkVersion) || inRange(row.contractVersion),
    link: {
      linkId: row.linkId,
      faucetNo: row.faucetNo,
      label: row.label,
      supplyAddress: row.supplyAddress,
      paymentMethod: row.paymentMethod,
      fromPeriod: firstVisiblePeriod(row.contractStart),
      toPeriod: lastVisiblePeriod(row.contractEnd)
    }
  }));
}

type PeriodTable = typeof readings | typeof bills | typeof payments;

/** Rows of the windows' faucets inside their periods: whole history for `full`, else only versions since the cursor. */
function visibleRows(table: PeriodTable, windows: Window[], full: Set<number>, cursor: number, horizon: number): SQL | undefined {
  const conditions = windows.map(({ faucetId, link }) =>
    and(
      eq(table.faucetId, faucetId),
      gte(table.period, link.fromPeriod),
      link.toPeriod === null ? undefined : sql`${table.period} <= ${link.toPeriod}`,
      full.has(link.linkId) ? undefined : gte(table.version, cursor)
    )
  );
  return conditions.length === 0 ? undefined : and(or(...conditions), lt(table.version, horizon));
}

/**
 * One pull: what changed for this customer since the cursor, and the complete history of
 * any faucet the device does not hold yet. Nothing changed costs one small answer.
 */
export async function pull(db: Database, customerId: number, request: PullRequest): Promise<PullResponse> {
  const horizon = await finalHorizon(db);
  if (request.format !== SYNC_FORMAT) return { format: SYNC_FORMAT, cursor: 0, reset: true };
  const cursor = request.cursor ?? 0;
  const windows = await windowsOf(db, customerId, cursor, horizon);
  const known = new Set(request.knownLinks);
  const full = new Set(windows.filter((window) => request.cursor === null || !known.has(window.link.linkId)).map((window) => window.link.linkId));
  const setChanged = windows.length !== known.size || full.size > 0 || windows.some((window) => window.changed);
  const response: PullResponse = { format: SYNC_FORMAT, cursor: horizon };
  if (setChanged || request.cursor === null) response.faucets = windows.map((window) => window.link);
  if (windows.length === 0) return response;

  const faucetNoById = new Map(windows.map((window) => [window.faucetId, window.link.faucetNo]));
  const faucetIds = windows.map((window) => window.faucetId);
  const no = (faucetId: number) => faucetNoById.get(faucetId)!;

  const readingRows = await db
    .select()
    .from(readings)
    .where(and(inArray(readings.faucetId, faucetIds), visibleRows(readings, windows, full, cursor, horizon)))
    .orderBy(readings.faucetId, readings.period);
  const billRows = await db
    .select()
    .from(bills)
    .where(and(inArray(bills.faucetId, faucetIds), visibleRows(bills, windows, full, cursor, horizon)))
    .orderBy(bills.faucetId, bills.period);
  const paymentRows = await db
    .select()
    .from(payments)
    .where(and(inArray(payments.faucetId, faucetIds), visibleRows(payments, windows, full, cursor, horizon)))
    .orderBy(payments.faucetId, payments.period);

  if (readingRows.length > 0) {
    response.readings = readingRows.map(
      (row): ReadingTuple => [no(row.faucetId), row.period, row.readingDate, row.meterValue, row.usageTenths, row.nextReadingDate]
    );
  }
  if (billRows.length > 0) {
    response.bills = billRows.map(
      (row): BillTuple => [
        no(row.faucetId),
        row.period,
        row.usageTenths,
        row.waterCharge,
        row.sewerCharge,
        row.total,
        row.tax,
        row.issueDate,
        row.dueDate,
        row.transferDate
      ]
    );
  }
  if (paymentRows.length > 0) {
    response.payments = paymentRows.map(
      (row): PaymentTuple => [no(row.faucetId), row.period, row.amount, row.method, row.result, row.paidOn]
    );
  }
  return response;
}
