import { describe, expect, it } from 'vitest';
import { nextTransfer, paymentStatus } from './status';

const transferBill = { dueDate: '2026-11-30', transferDate: '2026-11-26', total: 6380 };
const slipBill = { dueDate: '2026-11-30', transferDate: null, total: 4200 };

describe('payment status', () => {
  it('is 済 once paid, by any method', () => {
    expect(paymentStatus(transferBill, { method: 'transfer', result: 'paid', paidOn: '2026-11-26' }, '2026-11-27')).toEqual({
      kind: 'paid',
      method: 'transfer',
      paidOn: '2026-11-26'
    });
    // Late, but paid: 済, not 未納.
    expect(paymentStatus(slipBill, { method: 'convenience', result: 'paid', paidOn: '2026-12-10' }, '2026-12-20').kind).toBe('paid');
  });

  it('is 振替不能 when the debit failed, also after the due date', () => {
    expect(paymentStatus(transferBill, { method: 'transfer', result: 'failed', paidOn: null }, '2026-11-27').kind).toBe('failed');
    expect(paymentStatus(transferBill, { method: 'transfer', result: 'failed', paidOn: null }, '2026-12-05').kind).toBe('failed');
  });

  it('is 未納 with no payment after the due date, not on it', () => {
    expect(paymentStatus(slipBill, null, '2026-11-30')).toEqual({ kind: 'awaiting', dueDate: '2026-11-30' });
    expect(paymentStatus(slipBill, null, '2026-12-01')).toEqual({ kind: 'overdue', dueDate: '2026-11-30' });
    expect(paymentStatus(transferBill, undefined, '2026-12-01')).toEqual({ kind: 'overdue', dueDate: '2026-11-30' });
  });

  it('is never 未納 without a due date', () => {
    expect(paymentStatus({ dueDate: null, transferDate: null }, null, '2030-01-01')).toEqual({ kind: 'awaiting', dueDate: null });
  });

  it('waits for a debit until its day, then for its result', () => {
    expect(paymentStatus(transferBill, null, '2026-11-26')).toEqual({ kind: 'scheduled', transferDate: '2026-11-26' });
    expect(paymentStatus(transferBill, null, '2026-11-27')).toEqual({ kind: 'checking', transferDate: '2026-11-26' });
  });

  it('tells the next transfer only while it is still to come', () => {
    expect(nextTransfer(transferBill, paymentStatus(transferBill, null, '2026-11-20'))).toEqual({ date: '2026-11-26', amount: 6380 });
    expect(nextTransfer(transferBill, paymentStatus(transferBill, null, '2026-11-27'))).toBeNull();
    const paid = paymentStatus(transferBill, { method: 'transfer', result: 'paid', paidOn: '2026-11-26' }, '2026-11-20');
    expect(nextTransfer(transferBill, paid)).toBeNull();
    expect(nextTransfer(slipBill, paymentStatus(slipBill, null, '2026-11-20'))).toBeNull();
    expect(nextTransfer(null, null)).toBeNull();
  });
});
