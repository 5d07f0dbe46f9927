import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import { monthIndex, shiftPeriod } from '$lib/shared/periods';
import type { CycleMonths } from './periods';
import { paymentStatus, type PaymentStatus } from './status';
import { cycleOf, latest } from './summary';

/** One billing period of a faucet: what was read, billed and paid. Any part may be missing. */
export interface HistoryRow {
  period: string;
  /** How many months the period covers (2 for a bimonthly reading). */
  months: CycleMonths;
  reading: LocalReading | null;
  bill: LocalBill | null;
  payment: LocalPayment | null;
  /** The reading's usage, or the bill's when the reading is missing. */
  usageTenths: number | null;
  /** Null when there is no bill for the period. */
  status: PaymentStatus | null;
  /** The same period a year earlier (12 months back, so a bimonthly faucet meets its own reading month), when the device has it. */
  lastYear: { period: string; usageTenths: number | null; total: number | null } | null;
}

export interface History {
  cycle: CycleMonths;
  /** Newest first; only periods that have a reading, bill or payment: a bimonthly faucet has no empty months between. */
  rows: HistoryRow[];
}

/** How far back the history page goes, from the newest period. */
export const HISTORY_MONTHS = 24;

/** One faucet's history over the `span` months up to its newest period, each period beside the same period a year earlier. */
export function buildHistory(
  faucetNo: string,
  data: { readings: readonly LocalReading[]; bills: readonly LocalBill[]; payments: readonly LocalPayment[] },
  today: string,
  span = HISTORY_MONTHS
): History {
  const readings = data.readings.filter((row) => row.faucetNo === faucetNo);
  const bills = data.bills.filter((row) => row.faucetNo === faucetNo);
  const payments = data.payments.filter((row) => row.faucetNo === faucetNo);
  const cycle = cycleOf(readings, bills);
  const readingAt = new Map(readings.map((row) => [row.period, row]));
  const billAt = new Map(bills.map((row) => [row.period, row]));
  const paymentAt = new Map(payments.map((row) => [row.period, row]));
  const newest = latest([...readings, ...bills, ...payments]);
  if (!newest) return { cycle, rows: [] };
  const oldest = monthIndex(newest.period) - span + 1;
  const periods = [...new Set([...readingAt.keys(), ...billAt.keys(), ...paymentAt.keys()])]
    .filter((period) => monthIndex(period) >= oldest)
    .sort()
    .reverse();
  const usageAt = (period: string) => readingAt.get(period)?.usageTenths ?? billAt.get(period)?.usageTenths ?? null;
  return {
    cycle,
    rows: periods.map((period) => {
      const bill = billAt.get(period) ?? null;
      const payment = paymentAt.get(period) ?? null;
      const before = shiftPeriod(period, -12);
      const known = readingAt.has(before) || billAt.has(before);
      return {
        period,
        months: cycle,
        reading: readingAt.get(period) ?? null,
        bill,
        payment,
        usageTenths: usageAt(period),
        status: bill ? paymentStatus(bill, payment, today) : null,
        lastYear: known ? { period: before, usageTenths: usageAt(before), total: billAt.get(before)?.total ?? null } : null
      };
    })
  };
}
