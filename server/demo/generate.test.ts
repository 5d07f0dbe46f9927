import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { RowsByKind } from '../../src/lib/shared/billing-rows.js';
import { addDays, monthIndex, periodOfDate, shiftPeriod } from '../../src/lib/shared/periods.js';
import { computeCharge } from '../../src/lib/shared/tariff.js';
import { demoProfilePath, parseProfile } from '../config.js';
import { createBusinessCalendar } from '../domain/calendar.js';
import { encodeRow, fileHeader, importKinds, rowRulesOf, validateRow, type ImportKind } from '../domain/import-rows.js';
import { demoFaucet, featuredFaucets, generateDemo, type DemoOptions } from './generate.js';

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
