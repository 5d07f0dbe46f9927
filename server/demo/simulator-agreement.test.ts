import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explainBill } from '../../src/lib/shared/bill-explained.js';
import { monthIndex } from '../../src/lib/shared/periods.js';
import { computeCharge } from '../../src/lib/shared/tariff.js';
import { tariffOf } from '../../src/lib/shared/tariff-districts.js';
import { demoProfilePath, parseProfile, type UtilityProfile } from '../config.js';
import { generateDemo } from './generate.js';
import { demoOptions } from './load.js';

const demoJson = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as UtilityProfile;
const demoProfile = parseProfile(JSON.stringify(demoJson), demoProfilePath);
// The demo as a merged 企業団's: Furen keeps a tariff of its own (dearer water, no 50 mm meter).
const furenTariff = {
  ...demoJson.tariff,
  water: {
    basicChargeByMeterSize: { '13': 1870, '20': 2640, '25': 3520, '40': 9350 },
    volumeTiers: [
      { upToM3: 10, yenPerM3: 0 },
      { upToM3: 20, yenPerM3: 230 },
      { upToM3: null, yenPerM3: 270 }
    ]
  },
  sewer: { basicCharge: 1650, volumeTiers: [{ upToM3: 10, yenPerM3: 0 }, { upToM3: null, yenPerM3: 210 }] }
};
const mergedProfile = parseProfile(
  JSON.stringify({
    ...demoJson,
    tariffDistricts: { defaultLabel: { ja: '名寄地区', en: 'Nayoro' }, districts: [{ id: 'furen', label: { ja: '風連地区', en: 'Furen' }, tariff: furenTariff }] }
  }),
  'the demo as a 企業団'
);
const minamiProfilePath = fileURLToPath(new URL('../profiles/minami.json', import.meta.url));
const minamiProfile = parseProfile(readFileSync(minamiProfilePath, 'utf8'), minamiProfilePath);

/** The demo data set `npm start` loads for `profile`, as of a fixed day so the test sees the same rows every run. */
function demoOf(profile: UtilityProfile) {
  const { rows } = generateDemo(demoOptions(profile, new Date('2026-12-02T00:00:00+09:00')));
  const customers = [...rows.customers].flat();
  /** A faucet's months per reading, from the gap between its readings (as the app infers it). */
  const monthsOf = new Map<string, 1 | 2>();
  for (const faucetReadings of rows.readings) {
    const [first, second] = faucetReadings;
    if (first && second) monthsOf.set(first.faucetNo, (monthIndex(second.period) - monthIndex(first.period)) as 1 | 2);
  }
  return {
    bills: [...rows.bills].flat(),
    readings: [...rows.readings].flat(),
    customers,
    /** Each faucet's meter size and tariff district as the customers file gives them. */
    meterSizes: new Map(customers.map((customer) => [customer.faucetNo, customer.meterSizeMm!])),
    tariffs: new Map(customers.map((customer) => [customer.faucetNo, tariffOf(profile, customer.district)])),
    monthsOf
  };
}

describe.each([
  ['one tariff', demoProfile, { minBills: 5000 }],
  ['two tariff districts', mergedProfile, { minBills: 5000 }],
  ['bimonthly readings only (南町, the second demo utility)', minamiProfile, { minBills: 1000 }]
])('the fee simulator and the demo bills of a utility with %s', (_name, profile, { minBills }) => {
  const { bills, readings, customers, meterSizes, tariffs, monthsOf } = demoOf(profile);

  it("the demo has bills of every meter size it draws, of every reading cycle of the profile's and of every tariff district", () => {
    expect(bills.length).toBeGreaterThan(minBills);
    expect(new Set(meterSizes.values())).toEqual(new Set([13, 20, 25, 40]));
    expect(new Set(monthsOf.values())).toEqual(new Set(profile.readingCycles.map((cycle) => cycle.months)));
    expect(readings.length).toBe(bills.length);
    const districts = [null, ...(profile.tariffDistricts?.districts.map((district) => district.id) ?? [])];
    expect(new Set(customers.map((customer) => customer.district))).toEqual(new Set(districts));
  });

  it("computeCharge(usage, the faucet's meter size, the period's months) by its district's tariff gives every bill's water, sewer, tax and total", () => {
    const disagreeing = bills.filter((bill) => {
      const charge = computeCharge(tariffs.get(bill.faucetNo)!, {
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
      const explained = explainBill(tariffs.get(bill.faucetNo)!, bill, monthsOf.get(bill.faucetNo)!, null);
      return !explained.matches || explained.meterSizeMm !== meterSizes.get(bill.faucetNo);
    });
    expect(unexplained).toEqual([]);
  });

  it("and with the contract's meter size, once sync sends it", () => {
    const unexplained = bills.filter(
      (bill) => !explainBill(tariffs.get(bill.faucetNo)!, bill, monthsOf.get(bill.faucetNo)!, meterSizes.get(bill.faucetNo)!).matches
    );
    expect(unexplained).toEqual([]);
  });
});

it("a Furen faucet's bills are not the utility tariff's: its district is what makes 内訳 agree", () => {
  const { bills, customers, meterSizes, monthsOf } = demoOf(mergedProfile);
  const furen = new Set(customers.filter((customer) => customer.district === 'furen').map((customer) => customer.faucetNo));
  const furenBills = bills.filter((bill) => furen.has(bill.faucetNo));
  expect(furenBills.length).toBeGreaterThan(1000);
  const explainedByUtilityTariff = furenBills.filter(
    (bill) => explainBill(mergedProfile.tariff, bill, monthsOf.get(bill.faucetNo)!, meterSizes.get(bill.faucetNo)!).matches
  );
  expect(explainedByUtilityTariff).toEqual([]);
});
