import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import { billColumns, paymentColumns, readingColumns } from '$lib/shared/billing-rows';
import { decodeRow, type BillTuple, type PaymentTuple, type ReadingTuple, type SyncedFaucet } from '$lib/shared/sync-wire';

export const readingFrom = (tuple: ReadingTuple): LocalReading => decodeRow(readingColumns, tuple);
export const billFrom = (tuple: BillTuple): LocalBill => decodeRow(billColumns, tuple);
export const paymentFrom = (tuple: PaymentTuple): LocalPayment => decodeRow(paymentColumns, tuple);

/** Whether a stored row still belongs on the device: its faucet is linked and its period inside the window. */
export function insideWindows(faucets: SyncedFaucet[]): (row: { faucetNo: string; period: string }) => boolean {
  const windows = new Map(faucets.map((faucet) => [faucet.faucetNo, faucet]));
  return ({ faucetNo, period }) => {
    const window = windows.get(faucetNo);
    return window !== undefined && period >= window.fromPeriod && (window.toPeriod === null || period <= window.toPeriod);
  };
}
