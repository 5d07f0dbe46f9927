import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainBill } from './bill-explained';
import type { Tariff } from './profile';
import { computeCharge } from './tariff';

const tariff = (JSON.parse(readFileSync('server/profiles/demo.json', 'utf8')) as { tariff: Tariff }).tariff;

// Amounts worked out by hand from server/profiles/demo.json (10% tax, rounded down).
// 25 m³, one month, 13 mm: water 1,650 + 10 × 210 + 5 × 250 = 5,000 → 5,500; sewer 1,430 + 10 × 190 + 5 × 230 = 4,480 → 4,928.
const bill13 = { usageTenths: 250, waterCharge: 5500, sewerCharge: 4928, total: 10428, tax: 948 };
// The same usage on a 20 mm meter: water 2,310 + 3,350 = 5,660 → 6,226; sewer as above; tax 566 + 448.
const bill20 = { usageTenths: 250, waterCharge: 6226, sewerCharge: 4928, total: 11154, tax: 1014 };

describe('explainBill', () => {
  it("uses the contract's meter size when it has one, and says whether the lines give the bill", () => {
    expect(explainBill(tariff, bill20, 1, 20)).toMatchObject({ meterSizeMm: 20, source: 'contract', matches: true });
    expect(explainBill(tariff, bill20, 1, 13)).toMatchObject({ meterSizeMm: 13, source: 'contract', matches: false });
  });

  it('without one, finds the size whose charge is the bill, to the yen', () => {
    expect(explainBill(tariff, bill13, 1, null)).toMatchObject({ meterSizeMm: 13, source: 'matched', matches: true });
    const explained = explainBill(tariff, bill20, 1, null);
    expect(explained).toMatchObject({ meterSizeMm: 20, source: 'matched', matches: true });
    expect(explained.charge.lines[0]).toEqual({ service: 'water', kind: 'basic', yen: 2310 });
  });

  it('a size the tariff does not price counts as none', () => {
    expect(explainBill(tariff, bill20, 1, 15)).toMatchObject({ meterSizeMm: 20, source: 'matched' });
  });

  it('explains a bimonthly bill with two months of basic charge and tier bounds', () => {
    // 25 m³ over two months, 13 mm: water 3,300 + 5 × 210 = 4,350 → 4,785; sewer 2,860 + 5 × 190 = 3,810 → 4,191.
    const bimonthly = { usageTenths: 250, waterCharge: 4785, sewerCharge: 4191, total: 8976, tax: 816 };
    expect(explainBill(tariff, bimonthly, 2, null)).toMatchObject({ meterSizeMm: 13, source: 'matched', matches: true });
    expect(explainBill(tariff, bimonthly, 1, null)).toMatchObject({ source: 'smallest', matches: false });
  });

  it('a bill no size gives is explained with the smallest size and marked as not matching', () => {
    const revised = { ...bill13, waterCharge: bill13.waterCharge + 11, total: bill13.total + 11, tax: null };
    const explained = explainBill(tariff, revised, 1, null);
    expect(explained).toMatchObject({ meterSizeMm: 13, source: 'smallest', matches: false });
    expect(explained.charge).toEqual(computeCharge(tariff, { usageTenths: 250, meterSizeMm: 13, months: 1 }));
  });

  it('a bill without a printed tax is matched on the other amounts', () => {
    expect(explainBill(tariff, { ...bill13, tax: null }, 1, null)).toMatchObject({ source: 'matched', matches: true });
    expect(explainBill(tariff, { ...bill13, tax: 947 }, 1, null)).toMatchObject({ source: 'smallest', matches: false });
  });
});
