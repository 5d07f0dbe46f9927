import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Tariff } from './profile';
import { computeCharge, TariffError } from './tariff';

const demoTariff = (JSON.parse(readFileSync('server/profiles/demo.json', 'utf8')) as { tariff: Tariff }).tariff;

/** 東京都水道局 23区, 2024 (tax excluded, per month; 13–25 mm meters). */
const tokyo2024: Tariff = {
  taxRatePercent: 10,
  rounding: 'floor',
  water: {
    basicChargeByMeterSize: { '13': 860, '20': 1170, '25': 1460 },
    volumeTiers: [
      { upToM3: 5, yenPerM3: 0 },
      { upToM3: 10, yenPerM3: 22 },
      { upToM3: 20, yenPerM3: 128 },
      { upToM3: 30, yenPerM3: 163 },
      { upToM3: 50, yenPerM3: 202 },
      { upToM3: 100, yenPerM3: 213 },
      { upToM3: 200, yenPerM3: 298 },
      { upToM3: 1000, yenPerM3: 372 },
      { upToM3: null, yenPerM3: 404 }
    ]
  },
  sewer: {
    basicCharge: 560,
    volumeTiers: [
      { upToM3: 8, yenPerM3: 0 },
      { upToM3: 20, yenPerM3: 110 },
      { upToM3: 30, yenPerM3: 140 },
      { upToM3: 50, yenPerM3: 170 },
      { upToM3: 100, yenPerM3: 200 },
      { upToM3: 200, yenPerM3: 230 },
      { upToM3: 500, yenPerM3: 270 },
      { upToM3: 1000, yenPerM3: 310 },
      { upToM3: null, yenPerM3: 360 }
    ]
  }
};

const totals = (charge: ReturnType<typeof computeCharge>) => ({
  waterBeforeTax: charge.waterBeforeTax,
  sewerBeforeTax: charge.sewerBeforeTax,
  waterCharge: charge.waterCharge,
  sewerCharge: charge.sewerCharge,
  tax: charge.tax,
  total: charge.total
});

describe('computeCharge with the demo profile', () => {
  it('25 m³ in one month, 13 mm: basic + 10 m³ at 210 + 5 m³ at 250; sewer alike; 10% tax', () => {
    // water 1,650 + 2,100 + 1,250 = 5,000 → 5,500; sewer 1,430 + 1,900 + 1,150 = 4,480 → 4,928
    expect(totals(computeCharge(demoTariff, { usageTenths: 250, meterSizeMm: 13, months: 1 }))).toEqual({
      waterBeforeTax: 5000,
      sewerBeforeTax: 4480,
      waterCharge: 5500,
      sewerCharge: 4928,
      tax: 948,
      total: 10428
    });
  });

  it('25 m³ over two months is billed as two months: basic ×2 and tier bounds ×2', () => {
    // water 3,300 + 5 m³ × 210 = 4,350 → 4,785; sewer 2,860 + 5 m³ × 190 = 3,810 → 4,191
    expect(totals(computeCharge(demoTariff, { usageTenths: 250, meterSizeMm: 13, months: 2 }))).toEqual({
      waterBeforeTax: 4350,
      sewerBeforeTax: 3810,
      waterCharge: 4785,
      sewerCharge: 4191,
      tax: 816,
      total: 8976
    });
  });

  it('charges the basic charges for a vacant faucet that used nothing', () => {
    const charge = computeCharge(demoTariff, { usageTenths: 0, meterSizeMm: 13, months: 1 });
    expect(totals(charge)).toMatchObject({ waterCharge: 1815, sewerCharge: 1573, total: 3388 });
    expect(charge.lines.filter((line) => line.kind === 'volume')).toEqual([]);
  });

  it('charges tenths of a m³ and rounds once, by the profile rule', () => {
    // water 1,650 + 2.3 × 210 = 2,133 → 2,346.3; sewer 1,430 + 2.3 × 190 = 1,867 → 2,053.7
    const input = { usageTenths: 123, meterSizeMm: 13, months: 1 } as const;
    expect(totals(computeCharge(demoTariff, input))).toMatchObject({ waterCharge: 2346, sewerCharge: 2053, total: 4399 });
    expect(totals(computeCharge({ ...demoTariff, rounding: 'ceil' }, input))).toMatchObject({ waterCharge: 2347, sewerCharge: 2054 });
    expect(totals(computeCharge({ ...demoTariff, rounding: 'round' }, input))).toMatchObject({ waterCharge: 2346, sewerCharge: 2054 });
  });

  it('explains the bill line by line, and the lines add up', () => {
    const charge = computeCharge(demoTariff, { usageTenths: 250, meterSizeMm: 13, months: 1 });
    expect(charge.lines.filter((line) => line.service === 'water')).toEqual([
      { service: 'water', kind: 'basic', yen: 1650 },
      { service: 'water', kind: 'volume', fromM3: 0, toM3: 10, yenPerM3: 0, volumeTenths: 100, yen: 0 },
      { service: 'water', kind: 'volume', fromM3: 10, toM3: 20, yenPerM3: 210, volumeTenths: 100, yen: 2100 },
      { service: 'water', kind: 'volume', fromM3: 20, toM3: 50, yenPerM3: 250, volumeTenths: 50, yen: 1250 }
    ]);
    expect(charge.lines.reduce((sum, line) => sum + line.yen, 0)).toBe(charge.waterBeforeTax + charge.sewerBeforeTax);
  });

  it('refuses what it cannot price', () => {
    expect(() => computeCharge(demoTariff, { usageTenths: 10, meterSizeMm: 15, months: 1 })).toThrow(TariffError);
    expect(() => computeCharge(demoTariff, { usageTenths: -1, meterSizeMm: 13, months: 1 })).toThrow(TariffError);
    expect(() => computeCharge(demoTariff, { usageTenths: 1.5, meterSizeMm: 13, months: 1 })).toThrow(TariffError);
    const closed = { ...demoTariff, sewer: { basicCharge: 0, volumeTiers: [{ upToM3: 10, yenPerM3: 100 }] } };
    expect(() => computeCharge(closed, { usageTenths: 101, meterSizeMm: 13, months: 1 })).toThrow(/open-ended/);
  });
});

describe("computeCharge with Tokyo's 2024 tariff (23 wards)", () => {
  it('20 mm, 43 m³ over two months', () => {
    // water 2 × 1,170 + 10 × 22 + 20 × 128 + 3 × 163 = 5,609 → 6,169
    // sewer 2 × 560 + 24 × 110 + 3 × 140 = 4,180 → 4,598
    expect(totals(computeCharge(tokyo2024, { usageTenths: 430, meterSizeMm: 20, months: 2 }))).toEqual({
      waterBeforeTax: 5609,
      sewerBeforeTax: 4180,
      waterCharge: 6169,
      sewerCharge: 4598,
      tax: 978,
      total: 10767
    });
  });

  it('13 mm, 10 m³ in one month: 5 m³ free, 5 m³ at 22 yen; sewer 8 m³ in the basic charge', () => {
    // water 860 + 110 = 970 → 1,067; sewer 560 + 2 × 110 = 780 → 858
    expect(totals(computeCharge(tokyo2024, { usageTenths: 100, meterSizeMm: 13, months: 1 }))).toMatchObject({
      waterCharge: 1067,
      sewerCharge: 858,
      total: 1925
    });
  });
});
