import type { LocalBill, LocalPayment } from '$lib/local/db';

export type PaymentMethod = LocalPayment['method'];

/**
 * Where a bill's payment stands on `today` (YYYY-MM-DD, Tokyo). 済, 振替不能 and 未納 are the
 * results customers know from their slips; before the due date a bill is still on its way.
 */
export type PaymentStatus =
  /** 済: the billing system recorded the payment. */
  | { kind: 'paid'; method: PaymentMethod; paidOn: string | null }
  /** 振替不能: the direct debit failed. */
  | { kind: 'failed'; method: PaymentMethod }
  /** 未納: no payment and the due date has passed. */
  | { kind: 'overdue'; dueDate: string }
  /** 振替予定: the direct debit is still to come (today or later). */
  | { kind: 'scheduled'; transferDate: string }
  /** The transfer day has passed and its result has not reached the portal yet. */
  | { kind: 'checking'; transferDate: string }
  /** A bill paid by slip (納付書), not paid yet and not late yet. */
  | { kind: 'awaiting'; dueDate: string | null };

export type PaymentStatusKind = PaymentStatus['kind'];

export function paymentStatus(bill: Pick<LocalBill, 'dueDate' | 'transferDate'>, payment: Pick<LocalPayment, 'method' | 'result' | 'paidOn'> | null | undefined, today: string): PaymentStatus {
  if (payment?.result === 'paid') return { kind: 'paid', method: payment.method, paidOn: payment.paidOn };
  if (payment?.result === 'failed') return { kind: 'failed', method: payment.method };
  if (bill.dueDate !== null && today > bill.dueDate) return { kind: 'overdue', dueDate: bill.dueDate };
  if (bill.transferDate !== null) {
    return today <= bill.transferDate ? { kind: 'scheduled', transferDate: bill.transferDate } : { kind: 'checking', transferDate: bill.transferDate };
  }
  return { kind: 'awaiting', dueDate: bill.dueDate };
}

/** The next direct debit: the latest bill's transfer date and amount while that transfer is still to come. */
export function nextTransfer(latestBill: Pick<LocalBill, 'total' | 'transferDate'> | null, status: PaymentStatus | null): { date: string; amount: number } | null {
  if (!latestBill || status?.kind !== 'scheduled') return null;
  return { date: status.transferDate, amount: latestBill.total };
}
