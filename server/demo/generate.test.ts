import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { RowsByKind } from '../../src/lib/shared/billing-rows.js';
import { addDays, monthIndex, periodOfDate, shiftPeriod } from '../../src/lib/shared/periods.js';
import { computeCharge } from '../../src/lib/shared/tariff.js';
import { demoProfilePath, parseProfile } from '../config.js';
import { createBusinessCalendar } from '../domain/calendar.js';
import { encodeRow, fileHeader, importKinds, rowRulesOf, validateRow, type ImportKind } from '../domain/import-rows.js';
import { demoFaucet, featuredFaucets, generateDemo, utilityDemoOptions, type DemoOptions } from './generate.js';
import { minami } from './towns.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const options: DemoOptions = { faucets: 120, months: 24, seed: 7, endPeriod: '2025-03', tariff: profile.tariff, closingDays: profile.closingDays };

type Files = { [Kind in ImportKind]: RowsByKind[Kind][] };

function generateAll(demoOptions: DemoOptions): Files {
  const { rows } = generateDemo(demoOptions);
  return {
    customers: [...rows.customers].flat(),
    readings: [...rows.readings].flat(),
    bills: [...rows.bills].flat(),
    payments: [...rows.payments].flat()
  };
}

function groupBy<Row>(rows: Row[], key: (row: Row) => string): Map<string, Row[]> {
  const groups = new Map<string, Row[]>();
  for (const row of rows) groups.set(key(row), [...(groups.get(key(row)) ?? []), row]);
  return groups;
}

const files = generateAll(options);
const readingsByFaucet = groupBy(files.readings, (reading) => reading.faucetNo);
const billsByFaucet = groupBy(files.bills, (bill) => bill.faucetNo);
const billsByKey = new Map(files.bills.map((bill) => [`${bill.faucetNo} ${bill.period}`, bill]));
const cycleMonths = (faucetNo: string) => {
  const [first, second] = readingsByFaucet.get(faucetNo)!;
  return monthIndex(second!.period) - monthIndex(first!.period);
};

describe('generateDemo', () => {
  it('is deterministic: the same seed gives the same rows, another seed other rows', () => {
    expect(generateAll(options)).toEqual(files);
    expect(generateAll({ ...options, seed: 8 }).customers).not.toEqual(files.customers);
  });

  it('generates each file afresh on every iteration, one faucet at a time', () => {
    const { rows } = generateDemo(options);
    const batches = [...rows.readings];
    expect(batches).toHaveLength(options.faucets);
    expect([...rows.readings]).toEqual(batches);
  });

  it('makes rows the import reads back unchanged from the files they are written to', () => {
    const rules = rowRulesOf(profile);
    for (const kind of importKinds) {
      const header = fileHeader(kind);
      files[kind].forEach((row: RowsByKind[typeof kind], index) => {
        const cells = encodeRow(kind, row);
        const record = Object.fromEntries(header.map((name, column) => [name, cells[column]!]));
        expect(validateRow(kind, record, index + 2, rules), `${kind} ${index}`).toEqual({ ok: true, row });
      });
    }
  });

  it('numbers faucets with 8 unique digits, as the demo profile requires', () => {
    const numbers = files.customers.map((customer) => customer.faucetNo);
    expect(new Set(numbers).size).toBe(options.faucets);
    for (const faucetNo of numbers) expect(faucetNo).toMatch(new RegExp(profile.faucetNumber.pattern));
    const known = new Set(numbers);
    for (const row of [...files.readings, ...files.bills, ...files.payments]) expect(known.has(row.faucetNo)).toBe(true);
  });

  it('reads city-centre faucets every month and outlying ones every second month', () => {
    const counts = [...readingsByFaucet.values()].map((readings) => readings.length);
    expect(counts.every((count) => count === 24 || count === 12)).toBe(true);
    expect(counts.filter((count) => count === 24).length).toBeGreaterThan(options.faucets / 2);
    expect(counts.filter((count) => count === 12).length).toBeGreaterThan(5);
    for (const [faucetNo, readings] of readingsByFaucet) {
      const step = cycleMonths(faucetNo);
      readings.forEach((reading, index) => {
        if (index > 0) expect(monthIndex(reading.period) - monthIndex(readings[index - 1]!.period)).toBe(step);
      });
    }
  });

  it('measures usage in whole tenths of a m³ of at least 0, some not whole m³', () => {
    for (const row of [...files.readings, ...files.bills]) expect(Number.isSafeInteger(row.usageTenths) && row.usageTenths >= 0).toBe(true);
    expect(files.readings.some((reading) => reading.usageTenths % 10 !== 0)).toBe(true);
  });

  it('moves each meter on by exactly the usage, some meters read to a tenth', () => {
    for (const readings of readingsByFaucet.values()) {
      for (let index = 1; index < readings.length; index++) {
        const { meterTenths, usageTenths } = readings[index]!;
        expect(Number.isSafeInteger(meterTenths)).toBe(true);
        expect(meterTenths - readings[index - 1]!.meterTenths).toBe(usageTenths);
      }
    }
    expect(files.readings.some((reading) => reading.meterTenths % 10 !== 0)).toBe(true);
  });

  it('uses more water in winter: taps run on frost nights', () => {
    const usageIn = (month: string) =>
      files.readings
        .filter((reading) => reading.period.endsWith(month) && cycleMonths(reading.faucetNo) === 1)
        .reduce((sum, reading) => sum + reading.usageTenths, 0);
    expect(usageIn('-02')).toBeGreaterThan(1.3 * usageIn('-06'));
  });

  it('has exactly one holder with 20 faucets: a company with one billing name and address', () => {
    const faucetsByHolder = groupBy(files.customers, (customer) => customer.holderName);
    const large = [...faucetsByHolder].filter(([, faucets]) => faucets.length >= 20);
    expect(large).toHaveLength(1);
    const [holder, faucets] = large[0]!;
    expect(holder).toMatch(/^株式会社/);
    expect(faucets).toHaveLength(20);
    expect(new Set(faucets.map((faucet) => `${faucet.billingName} ${faucet.billingAddress}`)).size).toBe(1);
  });

  it('prices every bill with computeCharge for the faucet’s meter: 13 mm for most households, 40 mm for the company', () => {
    const meterSizes = Object.keys(profile.tariff.water.basicChargeByMeterSize).map(Number);
    const holders = new Map(files.customers.map((customer) => [customer.faucetNo, customer.holderName]));
    const sizesByHolderKind = new Map<string, number[]>();
    for (const [faucetNo, bills] of billsByFaucet) {
      const months = cycleMonths(faucetNo) as 1 | 2;
      const explaining = meterSizes.filter((meterSizeMm) =>
        bills.every((bill) => {
          const charge = computeCharge(profile.tariff, { usageTenths: bill.usageTenths, meterSizeMm, months });
          return (
            charge.waterCharge === bill.waterCharge &&
            charge.sewerCharge === bill.sewerCharge &&
            charge.tax === bill.tax &&
            charge.total === bill.total
          );
        })
      );
      expect(explaining, faucetNo).toHaveLength(1);
      const kind = holders.get(faucetNo)!.startsWith('株式会社') ? 'company' : 'household';
      sizesByHolderKind.set(kind, [...(sizesByHolderKind.get(kind) ?? []), explaining[0]!]);
      for (const bill of bills) expect(bill.total).toBe(bill.waterCharge + bill.sewerCharge);
    }
    expect(new Set(sizesByHolderKind.get('company'))).toEqual(new Set([40]));
    const households = sizesByHolderKind.get('household')!;
    expect(households.filter((size) => size === 13).length).toBeGreaterThan(0.7 * households.length);
  });

  it('bills a few days after the reading, due at the end of the next month, debited on the 26th or the first business day after it', () => {
    const calendar = createBusinessCalendar(profile.closingDays);
    const readingDates = new Map(files.readings.map((reading) => [`${reading.faucetNo} ${reading.period}`, reading.readingDate]));
    const methods = new Map(files.customers.map((customer) => [customer.faucetNo, customer.paymentMethod]));
    for (const bill of files.bills) {
      const nextMonth = shiftPeriod(bill.period, 1);
      expect(bill.issueDate > readingDates.get(`${bill.faucetNo} ${bill.period}`)!).toBe(true);
      expect(periodOfDate(bill.issueDate)).toBe(bill.period);
      expect(periodOfDate(bill.dueDate!)).toBe(nextMonth);
      expect(periodOfDate(addDays(bill.dueDate!, 1))).toBe(shiftPeriod(nextMonth, 1));
      if (methods.get(bill.faucetNo) !== 'transfer') {
        expect(bill.transferDate).toBeNull();
        continue;
      }
      const transferDate = bill.transferDate!;
      expect(calendar.isBusinessDay(transferDate), transferDate).toBe(true);
      expect(periodOfDate(transferDate)).toBe(nextMonth);
      // No business day is skipped between the 26th and the transfer.
      for (let day = `${nextMonth}-26`; day < transferDate; day = addDays(day, 1)) expect(calendar.isBusinessDay(day), day).toBe(false);
    }
    // 2023-04 to 2025-03 has 26ths on a Saturday or Sunday (2023-08-26, 2024-05-26, …): those moved.
    const transferDays = new Set(files.bills.flatMap((bill) => (bill.transferDate ? [bill.transferDate.slice(8)] : [])));
    expect([...transferDays].sort()).toEqual(['26', '27', '28']);
  });

  it('pays each bill at most once, for its total, up to the end of the last period', () => {
    const keys = files.payments.map((payment) => `${payment.faucetNo} ${payment.period}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const payment of files.payments) {
      const bill = billsByKey.get(`${payment.faucetNo} ${payment.period}`)!;
      expect(payment.amount).toBe(bill.total);
      if (bill.transferDate) {
        expect(payment.method).toBe('transfer');
        expect(payment.paidOn).toBe(payment.result === 'paid' ? bill.transferDate : null);
        expect(bill.transferDate <= '2025-03-31').toBe(true);
      } else {
        expect(payment).toMatchObject({ method: expect.not.stringMatching('transfer'), result: 'paid' });
        expect(payment.paidOn! > bill.issueDate).toBe(true);
        expect(payment.paidOn! <= '2025-03-31').toBe(true);
      }
    }
    expect(files.payments.length).toBeLessThan(files.bills.length);
    const methods = new Set(files.payments.map((payment) => payment.method));
    expect([...methods].sort()).toEqual(['convenience', 'counter', 'other', 'transfer']);
  });

  it('has failed transfers (振替不能) and late payments', () => {
    expect(files.payments.some((payment) => payment.result === 'failed' && payment.method === 'transfer')).toBe(true);
    const late = files.payments.filter((payment) => {
      const bill = billsByKey.get(`${payment.faucetNo} ${payment.period}`)!;
      return payment.paidOn !== null && payment.paidOn > bill.dueDate!;
    });
    expect(late.length).toBeGreaterThan(0);
  });

  it('has a leak: a month using at least three times the same month a year before', () => {
    const usage = new Map(files.readings.map((reading) => [`${reading.faucetNo} ${reading.period}`, reading.usageTenths]));
    const leaks = files.readings.filter((reading) => {
      const yearBefore = usage.get(`${reading.faucetNo} ${shiftPeriod(reading.period, -12)}`);
      return yearBefore !== undefined && yearBefore > 0 && reading.usageTenths >= 3 * yearBefore;
    });
    const leakStory = featuredFaucets(options).find((faucet) => faucet.story === 'leak')!;
    expect(leaks.map((reading) => reading.faucetNo)).toEqual([leakStory.faucetNo]);
  });

  it('has a holder change: a contract starting inside the window, with the previous tenant’s readings before it', () => {
    const changed = files.customers.filter((customer) => customer.contractStart > '2023-04-01');
    expect(changed).toHaveLength(1);
    const readings = readingsByFaucet.get(changed[0]!.faucetNo)!;
    expect(readings.some((reading) => reading.readingDate < changed[0]!.contractStart)).toBe(true);
    expect(readings.some((reading) => reading.readingDate >= changed[0]!.contractStart)).toBe(true);
  });

  it('has vacant faucets that used nothing for months', () => {
    const vacant = [...readingsByFaucet.values()].filter((readings) => readings.slice(-3).every((reading) => reading.usageTenths === 0));
    expect(vacant.length).toBeGreaterThan(0);
  });

  it('writes names in full-width katakana, phones of 10 or 11 digits or none, addresses in 名寄市', () => {
    for (const customer of files.customers) {
      expect(customer.holderKana).toMatch(/^[ァ-ヶー\u3000]+$/);
      if (customer.phone !== null) expect(customer.phone).toMatch(/^0\d{9,10}$/);
      expect(customer.supplyAddress).toMatch(/^名寄市/);
      expect(customer.billingPostalCode).toMatch(/^\d{3}-\d{4}$/);
    }
    expect(files.customers.some((customer) => customer.phone === null)).toBe(true);
  });

  it("gives each address in 名寄市 a postal code of the demo profile's area whose town starts the address", () => {
    const inTown = files.customers.filter((customer) => customer.billingAddress?.startsWith('名寄市'));
    expect(inTown.length).toBeGreaterThan(100);
    for (const customer of inTown) {
      const town = profile.area?.towns[customer.billingPostalCode!];
      expect(customer.billingAddress, customer.billingPostalCode!).toMatch(new RegExp(`^名寄市${town}`));
    }
  });

  it('writes only characters that survive Shift_JIS (CP932), extension characters included', () => {
    const text = files.customers.map((customer) => Object.values(customer).join(',')).join('\n');
    expect(iconv.decode(iconv.encode(text, 'cp932'), 'cp932')).toBe(text);
    expect(text).toContain('髙橋');
    expect(text).toContain('﨑山');
    expect(text).toContain('①');
  });

  it('offers a household faucet read monthly with a phone for sign-up', () => {
    const { faucetNo, phone } = demoFaucet(options);
    const customer = files.customers.find((row) => row.faucetNo === faucetNo)!;
    expect(customer.phone).toBe(phone.replaceAll('-', ''));
    expect(phone).not.toBe('');
    expect(customer.holderName).not.toMatch(/株式会社/);
    expect(readingsByFaucet.get(faucetNo)).toHaveLength(options.months);
  });

  it('still makes a usable data set from one faucet and one month', () => {
    const tiny = generateAll({ ...options, faucets: 1, months: 1 });
    expect(tiny.customers.map((customer) => customer.faucetNo)).toEqual([demoFaucet({ ...options, faucets: 1, months: 1 }).faucetNo]);
    expect(tiny.readings).toHaveLength(1);
    expect(tiny.bills).toHaveLength(1);
  });
});

const minamiProfilePath = fileURLToPath(new URL('../profiles/minami.json', import.meta.url));
const minamiProfile = parseProfile(readFileSync(minamiProfilePath, 'utf8'), minamiProfilePath);

describe('generateDemo for the second demo utility, 南町 (server/profiles/minami.json)', () => {
  const minamiOptions: DemoOptions = { ...utilityDemoOptions(minamiProfile), faucets: 120, months: 24, seed: 7, endPeriod: '2026-03' };
  const minamiFiles = generateAll(minamiOptions);
  const readingsOf = groupBy(minamiFiles.readings, (reading) => reading.faucetNo);

  it('numbers every faucet in the profile’s form, none in the built-in demo’s', () => {
    const numbers = minamiFiles.customers.map((customer) => customer.faucetNo);
    expect(new Set(numbers).size).toBe(minamiOptions.faucets);
    for (const faucetNo of numbers) {
      expect(faucetNo).toMatch(new RegExp(minamiProfile.faucetNumber.pattern));
      expect(faucetNo).not.toMatch(new RegExp(profile.faucetNumber.pattern));
    }
  });

  it('reads every faucet every second month, half the districts in odd months and half in even ones', () => {
    for (const readings of readingsOf.values()) {
      expect(readings).toHaveLength(12);
      readings.forEach((reading, index) => {
        if (index > 0) expect(monthIndex(reading.period) - monthIndex(readings[index - 1]!.period)).toBe(2);
        expect(monthIndex(periodOfDate(reading.nextReadingDate!)) - monthIndex(reading.period)).toBe(2);
      });
    }
    const parities = new Set(minamiFiles.readings.map((reading) => monthIndex(reading.period) % 2));
    expect(parities).toEqual(new Set([0, 1]));
  });

  it('makes rows the import reads back unchanged by the profile’s rules', () => {
    const rules = rowRulesOf(minamiProfile);
    for (const kind of importKinds) {
      const header = fileHeader(kind);
      minamiFiles[kind].forEach((row: RowsByKind[typeof kind], index) => {
        const cells = encodeRow(kind, row);
        const record = Object.fromEntries(header.map((name, column) => [name, cells[column]!]));
        expect(validateRow(kind, record, index + 2, rules), `${kind} ${index}`).toEqual({ ok: true, row });
      });
    }
  });

  it('prices every bimonthly bill by the town’s tariff, which the built-in demo’s does not explain', () => {
    const meterSizes = new Map(minamiFiles.customers.map((customer) => [customer.faucetNo, customer.meterSizeMm!]));
    const agrees = (tariff: typeof profile.tariff, bill: RowsByKind['bills']) => {
      const charge = computeCharge(tariff, { usageTenths: bill.usageTenths, meterSizeMm: meterSizes.get(bill.faucetNo)!, months: 2 });
      return charge.waterCharge === bill.waterCharge && charge.sewerCharge === bill.sewerCharge && charge.tax === bill.tax && charge.total === bill.total;
    };
    expect(minamiFiles.bills.filter((bill) => !agrees(minamiProfile.tariff, bill))).toEqual([]);
    expect(minamiFiles.bills.filter((bill) => agrees(profile.tariff, bill))).toEqual([]);
    expect(new Set(meterSizes.values())).toEqual(new Set([13, 20, 25, 40]));
  });

  it('debits on the town’s business days: its founding day (26 November) moves the transfer to the 27th', () => {
    const calendar = createBusinessCalendar(minamiProfile.closingDays);
    const transferDates = minamiFiles.bills.flatMap((bill) => (bill.transferDate ? [bill.transferDate] : []));
    for (const transferDate of transferDates) expect(calendar.isBusinessDay(transferDate), transferDate).toBe(true);
    // A Wednesday: the built-in demo debits on it.
    expect(createBusinessCalendar(profile.closingDays).isBusinessDay('2025-11-26')).toBe(true);
    expect(transferDates).not.toContain('2025-11-26');
    expect(transferDates).toContain('2025-11-27');
  });

  it('addresses every faucet in 南町, with a postal code of the profile’s area whose town starts the address', () => {
    const inTown = minamiFiles.customers.filter((customer) => customer.billingAddress?.startsWith('南町'));
    expect(inTown.length).toBeGreaterThan(100);
    for (const customer of minamiFiles.customers) expect(customer.supplyAddress).toMatch(/^南町/);
    for (const customer of inTown) {
      const town = minamiProfile.area?.towns[customer.billingPostalCode!];
      expect(customer.billingAddress, customer.billingPostalCode!).toMatch(new RegExp(`^南町${town}`));
    }
  });

  it('tells every story: the leak and the failed transfer in the last bimonthly readings, the company with 20 faucets', () => {
    const featured = new Map(featuredFaucets(minamiOptions).map((faucet) => [faucet.story, faucet]));
    const usage = new Map(minamiFiles.readings.map((reading) => [`${reading.faucetNo} ${reading.period}`, reading.usageTenths]));
    const leaks = minamiFiles.readings.filter((reading) => {
      const yearBefore = usage.get(`${reading.faucetNo} ${shiftPeriod(reading.period, -12)}`);
      return yearBefore !== undefined && yearBefore > 0 && reading.usageTenths >= 3 * yearBefore;
    });
    expect(leaks.map((reading) => reading.faucetNo)).toEqual([featured.get('leak')!.faucetNo]);
    const failed = minamiFiles.payments.filter((payment) => payment.result === 'failed');
    expect(failed.map((payment) => payment.faucetNo)).toContain(featured.get('failedTransfer')!.faucetNo);
    expect(featured.get('vacant')!.note).toMatch(/posted to Osaka$/);
    const company = minamiFiles.customers.filter((customer) => customer.holderName === minami.corporation.person[0]);
    expect(company).toHaveLength(20);
  });

  it('offers a household faucet read every second month, with a phone, for sign-up', () => {
    const { faucetNo, phone } = demoFaucet(minamiOptions);
    const customer = minamiFiles.customers.find((row) => row.faucetNo === faucetNo)!;
    expect(customer.phone).toBe(phone.replaceAll('-', ''));
    expect(phone).not.toBe('');
    expect(readingsOf.get(faucetNo)).toHaveLength(minamiOptions.months / 2);
    expect(featuredFaucets(minamiOptions)[0]!.note).toMatch(/^a household read every two months/);
  });
});

describe('the faucet-number form', () => {
  it('keeps the letters a profile’s numbers start with', () => {
    const lettered = { ...options, faucets: 30, faucetNumber: { pattern: '^M[0-9]{7}$', example: 'M1234567' } };
    const numbers = [...generateDemo(lettered).rows.customers].flat().map((customer) => customer.faucetNo);
    for (const faucetNo of numbers) expect(faucetNo).toMatch(/^M[0-9]{7}$/);
  });

  it('refuses, before any row, a form too short for the district codes and the faucets asked for', () => {
    expect(() => generateDemo({ ...options, faucets: 1000, faucetNumber: { pattern: '^[0-9]{4}$', example: '1234' } })).toThrow(
      /cannot number 1000 faucets in the form of 1234/
    );
  });
});
