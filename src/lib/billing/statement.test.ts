import { describe, expect, it } from 'vitest';
import type { LocalBill } from '$lib/local/db';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { buildStatement, statementCsv } from './statement';

const faucet = (faucetNo: string, linkId: number): SyncedFaucet => ({
  linkId,
  faucetNo,
  label: null,
  supplyAddress: `名寄市西${linkId}条`,
  holderName: '株式会社 北都',
  paymentMethod: 'invoice',
  meterSizeMm: 20,
  district: null,
  contractStart: '2020-04-01',
  fromPeriod: '2024-01',
  toPeriod: null
});
const bill = (faucetNo: string, period: string, water: number, sewer: number, tax: number | null = null): LocalBill => ({
  faucetNo,
  period,
  usageTenths: 200,
  waterCharge: water,
  sewerCharge: sewer,
  total: water + sewer,
  tax,
  issueDate: `${period}-19`,
  dueDate: null,
  transferDate: null
});

describe('a period statement', () => {
  const faucets = [faucet('50000001', 1), faucet('50000002', 2)];
  const bills = [
    ...['2025-12', '2026-01', '2026-02', '2026-03'].map((period) => bill('50000001', period, 2200, 1100)),
    ...['2026-01', '2026-02'].map((period) => bill('50000002', period, 4400, 2200, 600)),
    // Another account's faucet the device could never hold is not listed, whatever its period.
    bill('59999999', '2026-01', 1, 1)
  ];
  const copy = { faucets, readings: [], bills, payments: [] };

  it('lists every bill of every faucet in the range, by faucet, oldest first, with each bill’s tax', () => {
    const statement = buildStatement(copy, { faucetNo: null, from: '2026-01', to: '2026-02' }, '2026-12-07', 10);
    expect(statement.lines.map((line) => `${line.faucet.faucetNo} ${line.bill.period} ${line.amounts.tax}`)).toEqual([
      '50000001 2026-01 300',
      '50000001 2026-02 300',
      '50000002 2026-01 600',
      '50000002 2026-02 600'
    ]);
    expect(statement.total).toEqual({ water: 13200, sewer: 6600, total: 19800, tax: 1800 });
  });

  it('lists one faucet’s when asked, and nothing outside the range', () => {
    const statement = buildStatement(copy, { faucetNo: '50000001', from: '2026-03', to: '2026-12' }, '2026-12-07', 10);
    expect(statement.lines.map((line) => line.bill.period)).toEqual(['2026-03']);
    expect(buildStatement(copy, { faucetNo: '50000002', from: '2026-03', to: '2026-12' }, '2026-12-07', 10)).toEqual({
      lines: [],
      total: { water: 0, sewer: 0, total: 0, tax: 0 }
    });
  });

  it('goes into a CSV file with a line a bill and the totals', () => {
    const statement = buildStatement(copy, { faucetNo: '50000002', from: '2026-01', to: '2026-02' }, '2026-12-07', 10);
    const lines = statementCsv(statement, 'ja', 10).replace('\uFEFF', '').split('\r\n');
    expect(lines[0]).toBe('水栓番号,給水場所,請求期間,発行日,水道料金,下水道使用料,合計（10%対象）,うち消費税等（10%）');
    expect(lines.slice(1, 3).map((line) => line.split(',').slice(4).join(','))).toEqual(['4400,2200,6600,600', '4400,2200,6600,600']);
    expect(lines[3]).toBe('合計,,,,8800,4400,13200,1200');
  });
});
