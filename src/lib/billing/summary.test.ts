import { describe, expect, it } from 'vitest';
import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { latest, summarize, unsettledAcross } from './summary';

const faucet = (linkId: number, faucetNo: string, paymentMethod: 'transfer' | 'invoice' = 'transfer'): SyncedFaucet => ({
  linkId,
  faucetNo,
  label: null,
  holderName: '名寄 花子',
  meterSizeMm: 13,
  district: null,
  supplyAddress: '名寄市西1条南1丁目1番地',
  paymentMethod,
  contractStart: '2023-12-20',
  fromPeriod: '2024-01',
  toPeriod: null
});
const reading = (faucetNo: string, period: string, usageTenths = 220): LocalReading => ({
  faucetNo,
  period,
  readingDate: `${period}-05`,
  meterTenths: 10000,
  usageTenths,
  nextReadingDate: null
});
const bill = (faucetNo: string, period: string, total: number, transfer = true): LocalBill => ({
  faucetNo,
  period,
  usageTenths: 220,
  waterCharge: total - 2000,
  sewerCharge: 2000,
  total,
  tax: 500,
  issueDate: `${period}-08`,
  dueDate: `${period}-28`,
  transferDate: transfer ? `${period}-26` : null
});
const payment = (faucetNo: string, period: string, result: 'paid' | 'failed'): LocalPayment => ({
  faucetNo,
  period,
  amount: 0,
  method: 'transfer',
  result,
  paidOn: result === 'paid' ? `${period}-26` : null
});

describe('home summaries', () => {
  it('pick the latest period, not the last row stored', () => {
    expect(latest([{ period: '2026-09' }, { period: '2026-10' }, { period: '2025-12' }])).toEqual({ period: '2026-10' });
    expect(latest([])).toBeNull();
  });

  it('give each faucet its own latest reading, bill, status and next transfer, in the order they were linked', () => {
    const data = {
      faucets: [faucet(7, '12000002', 'invoice'), faucet(3, '12000001')],
      readings: [reading('12000001', '2026-09'), reading('12000001', '2026-10', 180), reading('12000002', '2026-08', 90)],
      bills: [bill('12000001', '2026-09', 6000), bill('12000001', '2026-10', 6380), bill('12000002', '2026-08', 4000, false)],
      payments: [payment('12000001', '2026-09', 'paid')]
    };
    const [first, second] = summarize(data, '2026-10-20');
    expect(first!.faucet.faucetNo).toBe('12000001');
    expect(first!.latestReading?.usageTenths).toBe(180);
    expect(first!.latestBill?.total).toBe(6380);
    expect(first!.status).toEqual({ kind: 'scheduled', transferDate: '2026-10-26' });
    expect(first!.nextTransfer).toEqual({ date: '2026-10-26', amount: 6380 });
    expect(first!.unsettled).toEqual([]);
    expect(first!.cycle).toBe(1);
    // Paid by slip and late: 未納, no transfer to announce.
    expect(second!.status).toEqual({ kind: 'overdue', dueDate: '2026-08-28' });
    expect(second!.nextTransfer).toBeNull();
    expect(second!.unsettled).toEqual([{ period: '2026-08', total: 4000, status: { kind: 'overdue', dueDate: '2026-08-28' } }]);
  });

  it('count an older failed debit as unsettled while the latest bill waits for its transfer', () => {
    const data = {
      faucets: [faucet(1, '12000001')],
      readings: [],
      bills: [bill('12000001', '2026-09', 6000), bill('12000001', '2026-10', 6380)],
      payments: [payment('12000001', '2026-09', 'failed')]
    };
    const [summary] = summarize(data, '2026-10-20');
    expect(summary!.status?.kind).toBe('scheduled');
    expect(summary!.unsettled).toEqual([{ period: '2026-09', total: 6000, status: { kind: 'failed', method: 'transfer' } }]);
    expect(summary!.latestReading).toBeNull();
  });

  it('never announce a transfer for a bill whose debit failed, and list every unsettled bill oldest first', () => {
    const data = {
      faucets: [faucet(1, '12000001')],
      readings: [],
      bills: [bill('12000001', '2026-10', 6380), bill('12000001', '2026-08', 5100, false), bill('12000001', '2026-09', 6000)],
      payments: [payment('12000001', '2026-10', 'failed'), payment('12000001', '2026-09', 'paid')]
    };
    // Before the failed bill's own transfer date: the result is in, so it is not 振替予定.
    const [summary] = summarize(data, '2026-10-20');
    expect(summary!.status).toEqual({ kind: 'failed', method: 'transfer' });
    expect(summary!.nextTransfer).toBeNull();
    expect(summary!.unsettled.map((found) => [found.period, found.total, found.status.kind])).toEqual([
      ['2026-08', 5100, 'overdue'],
      ['2026-10', 6380, 'failed']
    ]);
  });

  it('show a faucet with no data yet', () => {
    const [summary] = summarize({ faucets: [faucet(1, '12000001')], readings: [], bills: [], payments: [] }, '2026-10-20');
    expect(summary).toMatchObject({ latestReading: null, latestBill: null, status: null, nextTransfer: null, unsettled: [] });
  });

  it('list the unsettled bills of every faucet together, by faucet, each faucet\'s oldest first', () => {
    const data = {
      faucets: [faucet(2, '12000002'), faucet(1, '12000001'), faucet(3, '12000003')],
      readings: [],
      bills: [bill('12000002', '2026-10', 7000), bill('12000001', '2026-09', 6000), bill('12000001', '2026-08', 5000), bill('12000003', '2026-10', 4000)],
      payments: [payment('12000002', '2026-10', 'failed'), payment('12000001', '2026-09', 'failed'), payment('12000003', '2026-10', 'paid')]
    };
    const bills = unsettledAcross(summarize(data, '2026-10-20'));
    expect(bills.map((found) => [found.faucet.faucetNo, found.period, found.status.kind, found.cycle])).toEqual([
      ['12000001', '2026-08', 'overdue', 1],
      ['12000001', '2026-09', 'failed', 1],
      ['12000002', '2026-10', 'failed', 1]
    ]);
  });
});
