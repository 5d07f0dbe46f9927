import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { explainBill } from '../../src/lib/shared/bill-explained.js';
import { monthIndex } from '../../src/lib/shared/periods.js';
import { computeCharge } from '../../src/lib/shared/tariff.js';
import { demoProfilePath, parseProfile } from '../config.js';
import { generateDemo } from './generate.js';
import { demoOptions } from './load.js';

// The demo data set `npm start` loads, as of a fixed day so the test sees the same rows every run.
const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const options = demoOptions(profile, new Date('2026-12-02T00:00:00+09:00'));
const { rows } = generateDemo(options);
const bills = [...rows.bills].flat();
const readings = [...rows.readings].flat();
/** Each faucet's meter size as the customers file gives it. */
const meterSizes = new Map([...rows.customers].flat().map((customer) => [customer.faucetNo, customer.meterSizeMm!]));

/** A faucet's months per reading, from the gap between its readings (as the app infers it). */
const monthsOf = new Map<string, 1 | 2>();
for (const faucetReadings of rows.readings) {
  const [first, second] = faucetReadings;
  if (first && second) monthsOf.set(first.faucetNo, (monthIndex(second.period) - monthIndex(first.period)) as 1 | 2);
}

describe('the fee simulator and the demo bills', () => {
  it('the demo has bills of every meter size it draws and of both reading cycles', () => {
    expect(bills.length).toBeGreaterThan(5000);
    expect(new Set(meterSizes.values())).toEqual(new Set([13, 20, 25, 40]));
    expect(new Set(monthsOf.values())).toEqual(new Set([1, 2]));
    expect(readings.length).toBe(bills.length);
  });

  it("computeCharge(usage, the faucet's meter size, the period's months) gives every bill's water, sewer, tax and total", () => {
    const disagreeing = bills.filter((bill) => {
      const charge = computeCharge(profile.tariff, {
        usageTenths: bill.usageTenths,
        meterSizeMm: meterSizes.get(bill.faucetNo)!,
        months: monthsOf.get(bill.faucetNo)!
      });
      return (
        charge.waterCharge !== bill.waterCharge ||
        charge.sewerCharge !== bill.sewerCharge ||
        charge.tax !== bill.tax ||
        charge.total !== bill.total
      );
    });
    expect(disagreeing).toEqual([]);
  });

  it('内訳 explains every bill to the yen, with the meter size read back from the bill until contracts carry it', () => {
    const unexplained = bills.filter((bill) => {
      const explained = explainBill(profile.tariff, bill, monthsOf.get(bill.faucetNo)!, null);
      return !explained.matches || explained.meterSizeMm !== meterSizes.get(bill.faucetNo);
    });
    expect(unexplained).toEqual([]);
  });

  it("and with the contract's meter size, once sync sends it", () => {
    const unexplained = bills.filter(
      (bill) => !explainBill(profile.tariff, bill, monthsOf.get(bill.faucetNo)!, meterSizes.get(bill.faucetNo)!).matches
    );
    expect(unexplained).toEqual([]);
  });
});
