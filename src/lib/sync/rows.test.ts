import { describe, expect, it } from 'vitest';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { billFrom, insideWindows, readingFrom } from './rows';

const faucet = (faucetNo: string, fromPeriod: string, toPeriod: string | null): SyncedFaucet => ({
  linkId: 1,
  faucetNo,
  label: null,
  holderName: '名寄 花子',
  meterSizeMm: 13,
  district: null,
  supplyAddress: null,
  paymentMethod: 'transfer',
  contractStart: `${fromPeriod}-01`,
  fromPeriod,
  toPeriod
});

describe('rows from the wire', () => {
  it('turns tuples into named records', () => {
    expect(readingFrom(['10000001', '2026-10', '2026-10-14', 12345, 215, null])).toEqual({
      faucetNo: '10000001',
      period: '2026-10',
      readingDate: '2026-10-14',
      meterTenths: 12345,
      usageTenths: 215,
      nextReadingDate: null
    });
    expect(billFrom(['10000001', '2026-10', 210, 4000, 3000, 7000, 636, '2026-10-16', null, '2026-11-26'])).toMatchObject({
      total: 7000,
      transferDate: '2026-11-26'
    });
  });
});

describe('insideWindows', () => {
  const keep = insideWindows([faucet('10000001', '2025-04', null), faucet('10000002', '2020-01', '2026-03')]);

  it('keeps rows of linked faucets inside their periods', () => {
    expect(keep({ faucetNo: '10000001', period: '2025-04' })).toBe(true);
    expect(keep({ faucetNo: '10000002', period: '2026-03' })).toBe(true);
  });

  it('drops rows before a holder change, after a contract ended, and of unlinked faucets', () => {
    expect(keep({ faucetNo: '10000001', period: '2025-03' })).toBe(false);
    expect(keep({ faucetNo: '10000002', period: '2026-04' })).toBe(false);
    expect(keep({ faucetNo: '10000003', period: '2026-01' })).toBe(false);
  });
});
