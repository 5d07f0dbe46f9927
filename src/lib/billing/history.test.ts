import { describe, expect, it } from 'vitest';
import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import { buildHistory } from './history';
import { monthIndex, periodAt } from '$lib/shared/periods';

const reading = (faucetNo: string, period: string, usageTenths: number): LocalReading => ({
  faucetNo,
  period,
  readingDate: `${period}-16`,
  meterTenths: 5000,
  usageTenths,
  nextReadingDate: null
});
const bill = (faucetNo: string, period: string, total: number): LocalBill => ({
  faucetNo,
  period,
  usageTenths: 0,
  waterCharge: total,
  sewerCharge: 0,
  total,
  tax: null,
  issueDate: `${period}-19`,
  dueDate: `${periodAt(monthIndex(period) + 1)}-28`,
  transferDate: null
});

/** `count` periods every `step` months up to `last`, usage 10 m³ + the index, charges 1000 yen + the index. */
function faucetData(faucetNo: string, last: string, count: number, step: 1 | 2) {
  const periods = Array.from({ length: count }, (_, i) => periodAt(monthIndex(last) - (count - 1 - i) * step));
  return {
    readings: periods.map((period, i) => reading(faucetNo, period, 100 + i)),
    bills: periods.map((period, i) => bill(faucetNo, period, 1000 + i)),
    payments: [] as LocalPayment[]
  };
}

describe('history', () => {
  it('shows a monthly faucet\'s last 24 months, newest first, each beside the same month a year earlier', () => {
    const data = faucetData('12000001', '2026-10', 36, 1);
    const history = buildHistory('12000001', data, '2026-11-26');
    expect(history.cycle).toBe(1);
    expect(history.rows).toHaveLength(24);
    expect(history.rows[0]!.period).toBe('2026-10');
    expect(history.rows[23]!.period).toBe('2024-11');
    // 2026-10 is index 35; 2025-10 is index 23.
    expect(history.rows[0]).toMatchObject({ usageTenths: 135, lastYear: { period: '2025-10', usageTenths: 123, total: 1023 } });
    // 2024-11 (index 12) is paired with 2023-11, which the device holds though the page does not list it.
    expect(history.rows[23]!.lastYear).toEqual({ period: '2023-11', usageTenths: 100, total: 1000 });
  });

  it('leaves the last-year pair empty where the device has no such period, never zero', () => {
    const history = buildHistory('12000001', faucetData('12000001', '2026-10', 18, 1), '2026-11-26');
    expect(history.rows).toHaveLength(18);
    expect(history.rows[0]!.lastYear).toEqual({ period: '2025-10', usageTenths: 105, total: 1005 });
    expect(history.rows[6]!.lastYear).toBeNull();
  });

  it('shows a bimonthly faucet\'s readings with no invented months between, paired with its reading a year earlier', () => {
    const data = faucetData('31000001', '2026-10', 18, 2);
    const history = buildHistory('31000001', data, '2026-11-26');
    expect(history.cycle).toBe(2);
    expect(history.rows.map((row) => row.period)).toEqual([
      '2026-10', '2026-08', '2026-06', '2026-04', '2026-02', '2025-12',
      '2025-10', '2025-08', '2025-06', '2025-04', '2025-02', '2024-12'
    ]);
    expect(history.rows.every((row) => row.months === 2)).toBe(true);
    // 2026-10 is index 17, 2025-10 index 11.
    expect(history.rows[0]!.lastYear).toEqual({ period: '2025-10', usageTenths: 111, total: 1011 });
  });

  it('keeps to the asked faucet and marks bills with their payment status', () => {
    const data = faucetData('12000001', '2026-10', 3, 1);
    const other = faucetData('12000002', '2026-10', 3, 1);
    const payments: LocalPayment[] = [
      { faucetNo: '12000001', period: '2026-09', amount: 1001, method: 'transfer', result: 'failed', paidOn: null },
      { faucetNo: '12000001', period: '2026-08', amount: 1000, method: 'convenience', result: 'paid', paidOn: '2026-09-20' }
    ];
    const history = buildHistory(
      '12000001',
      { readings: [...data.readings, ...other.readings], bills: [...data.bills, ...other.bills], payments },
      '2026-11-26'
    );
    expect(history.rows.map((row) => row.status?.kind)).toEqual(['awaiting', 'failed', 'paid']);
    expect(history.rows[2]!.payment?.method).toBe('convenience');
  });

  it('takes the usage from the bill when the reading is missing, and lists a period that has only a bill', () => {
    const history = buildHistory(
      '12000001',
      { readings: [reading('12000001', '2026-09', 150)], bills: [{ ...bill('12000001', '2026-10', 3000), usageTenths: 170 }], payments: [] },
      '2026-11-26'
    );
    expect(history.rows.map((row) => [row.period, row.usageTenths, row.reading !== null, row.bill !== null])).toEqual([
      ['2026-10', 170, false, true],
      ['2026-09', 150, true, false]
    ]);
    expect(history.rows[1]!.status).toBeNull();
  });

  it('is empty for a faucet with no data', () => {
    expect(buildHistory('12000001', { readings: [], bills: [], payments: [] }, '2026-11-26')).toEqual({ cycle: 1, rows: [] });
  });
});
