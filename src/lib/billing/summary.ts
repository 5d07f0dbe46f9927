import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { inferCycle, type CycleMonths } from './periods';
import { nextTransfer, paymentStatus, type PaymentStatus } from './status';

/** The device's billing data as the pages read it from Dexie. */
export interface BillingData {
  faucets: SyncedFaucet[];
  readings: LocalReading[];
  bills: LocalBill[];
  payments: LocalPayment[];
}

/** What the home page shows for one faucet. */
export interface FaucetSummary {
  faucet: SyncedFaucet;
  cycle: CycleMonths;
  latestReading: LocalReading | null;
  latestBill: LocalBill | null;
  /** The latest bill's payment. */
  status: PaymentStatus | null;
  nextTransfer: { date: string; amount: number } | null;
  /** Bills (the latest included) whose debit failed or that are past due unpaid, oldest first. */
  unsettled: UnsettledBill[];
}

/** A bill the customer has to act on: 振替不能 (pay by the slip that follows) or 未納. */
export interface UnsettledBill {
  period: string;
  total: number;
  status: Extract<PaymentStatus, { kind: 'failed' | 'overdue' }>;
}

function unsettledBill(bill: LocalBill, status: PaymentStatus): UnsettledBill | null {
  return status.kind === 'failed' || status.kind === 'overdue' ? { period: bill.period, total: bill.total, status } : null;
}

/** The row of the latest period, or null. */
export function latest<Row extends { period: string }>(rows: readonly Row[]): Row | null {
  let found: Row | null = null;
  for (const row of rows) if (found === null || row.period > found.period) found = row;
  return found;
}

const key = (faucetNo: string, period: string) => `${faucetNo} ${period}`;

/** The payment of each bill, by faucet and period (the billing system keeps one per period). */
export function paymentIndex(payments: readonly LocalPayment[]): Map<string, LocalPayment> {
  return new Map(payments.map((payment) => [key(payment.faucetNo, payment.period), payment]));
}

export function paymentOf(index: Map<string, LocalPayment>, bill: { faucetNo: string; period: string }): LocalPayment | null {
  return index.get(key(bill.faucetNo, bill.period)) ?? null;
}

/** The cycle of one faucet's readings (monthly or bimonthly). */
export function cycleOf(readings: readonly LocalReading[], bills: readonly LocalBill[]): CycleMonths {
  const periods = readings.length > 1 ? readings.map((reading) => reading.period) : bills.map((bill) => bill.period);
  return inferCycle(periods, latest(readings) ?? undefined);
}

/** Per linked faucet, in the order they were linked: latest reading, latest bill, its payment and the next transfer. */
export function summarize(data: BillingData, today: string): FaucetSummary[] {
  const payments = paymentIndex(data.payments);
  return [...data.faucets]
    .sort((a, b) => a.linkId - b.linkId)
    .map((faucet) => {
      const readings = data.readings.filter((reading) => reading.faucetNo === faucet.faucetNo);
      const bills = data.bills.filter((bill) => bill.faucetNo === faucet.faucetNo);
      const latestBill = latest(bills);
      const status = latestBill ? paymentStatus(latestBill, paymentOf(payments, latestBill), today) : null;
      const unsettled = bills
        .map((bill) => unsettledBill(bill, paymentStatus(bill, paymentOf(payments, bill), today)))
        .filter((found) => found !== null)
        .sort((a, b) => a.period.localeCompare(b.period));
      return {
        faucet,
        cycle: cycleOf(readings, bills),
        latestReading: latest(readings),
        latestBill,
        status,
        nextTransfer: nextTransfer(latestBill, status),
        unsettled
      };
    });
}

/** An unsettled bill on Home, where the bills of every faucet are listed together. */
export interface FaucetUnsettledBill extends UnsettledBill {
  faucet: SyncedFaucet;
  cycle: CycleMonths;
}

/** Every faucet's failed and unpaid bills in one list: each faucet's oldest first, in the order the faucets were linked. */
export function unsettledAcross(summaries: readonly FaucetSummary[]): FaucetUnsettledBill[] {
  return summaries.flatMap(({ faucet, cycle, unsettled }) => unsettled.map((bill) => ({ ...bill, faucet, cycle })));
}
