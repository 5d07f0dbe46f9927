import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import type { BillTuple, PaymentTuple, ReadingTuple, SyncedFaucet } from '$lib/shared/sync-wire';

export const readingFrom = ([faucetNo, period, readingDate, meterTenths, usageTenths, nextReadingDate]: ReadingTuple): LocalReading => ({
  faucetNo,
  period,
  readingDate,
  meterTenths,
  usageTenths,
  nextReadingDate
});

export const billFrom = ([faucetNo, period, usageTenths, waterCharge, sewerCharge, total, tax, issueDate, dueDate, transferDate]: BillTuple): LocalBill => ({
  faucetNo,
  period,
  usageTenths,
  waterCharge,
  sewerCharge,
  total,
  tax,
  issueDate,
  dueDate,
  transferDate
});

export const paymentFrom = ([faucetNo, period, amount, method, result, paidOn]: PaymentTuple): LocalPayment => ({
  faucetNo,
  period,
  amount,
  method,
  result,
  paidOn
});

/** Whether a stored row still belongs on the device: its faucet is linked and its period inside the window. */
export function insideWindows(faucets: SyncedFaucet[]): (row: { faucetNo: string; period: string }) => boolean {
  const windows = new Map(faucets.map((faucet) => [faucet.faucetNo, faucet]));
  return ({ faucetNo, period }) => {
    const window = windows.get(faucetNo);
    return window !== undefined && period >= window.fromPeriod && (window.toPeriod === null || period <= window.toPeriod);
  };
}
