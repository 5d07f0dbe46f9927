import { describe, expect, it } from 'vitest';
import { invoiceAmounts, registrationNumberProblem, sumAmounts, taxIncluded } from './qualified-invoice';

describe('the qualified invoice', () => {
  it('takes registration numbers whose 法人番号 check digit holds', () => {
    // 国税庁 and トヨタ自動車, as published by the 法人番号公表サイト; the demo's made-up one.
    for (const valid of ['T7000012050002', 'T1180301018771', 'T4000020012211']) expect(registrationNumberProblem(valid), valid).toBeNull();
  });

  it('refuses a wrong check digit, a missing T, a wrong length and full-width digits', () => {
    expect(registrationNumberProblem('T7000012050003')).toContain('check digit 7');
    expect(registrationNumberProblem('T8000012050002')).toContain('expected 7');
    for (const invalid of ['7000012050002', 'T700001205000', 'T70000120500021', 'Ｔ7000012050002', 't7000012050002', 'T0000012050002']) {
      expect(registrationNumberProblem(invalid), invalid).not.toBeNull();
    }
  });

  it('uses the billing system’s tax when it gave one, else the tax a 10 % total holds, rounded down once', () => {
    expect(taxIncluded({ total: 3300, tax: null }, 10)).toBe(300);
    expect(taxIncluded({ total: 3309, tax: null }, 10)).toBe(300);
    expect(taxIncluded({ total: 3309, tax: 301 }, 10)).toBe(301);
    expect(taxIncluded({ total: 0, tax: null }, 10)).toBe(0);
  });

  it('sums a statement bill by bill', () => {
    const bills = [
      invoiceAmounts({ waterCharge: 2200, sewerCharge: 1100, total: 3300, tax: null }, 10),
      invoiceAmounts({ waterCharge: 2209, sewerCharge: 1100, total: 3309, tax: null }, 10)
    ];
    expect(sumAmounts(bills)).toEqual({ water: 4409, sewer: 2200, total: 6609, tax: 600 });
    expect(sumAmounts([])).toEqual({ water: 0, sewer: 0, total: 0, tax: 0 });
  });
});
