import { readFileSync } from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { computeCharge } from '../../../src/lib/shared/tariff.js';
import { demoProfilePath, parseProfile } from '../../config.js';
import { demoFaucet, featuredFaucets, generateDemo, type DemoFile, type DemoOptions, type DemoRows } from './generate.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const options: DemoOptions = { faucets: 120, months: 24, seed: 7, endPeriod: '2025-03', tariff: profile.tariff };

type Files = { [File in DemoFile]: DemoRows[File][] };

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

const monthNumber = (period: string) => Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7));
const tenths = (m3: number) => Math.round(m3 * 10);

const files = generateAll(options);
const readingsByFaucet = groupBy(files.readings, (reading) => reading.faucet_no);
const billsByFaucet = groupBy(files.bills, (bill) => bill.faucet_no);
const billsByKey = new Map(files.bills.map((bill) => [`${bill.faucet_no} ${bill.period}`, bill]));
const cycleMonths = (faucetNo: string) => {
  const [first, second] = readingsByFaucet.get(faucetNo)!;
  return monthNumber(second!.period) - monthNumber(first!.period);
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

  it('numbers faucets with 8 unique digits, as the demo profile requires', () => {
    const numbers = files.customers.map((customer) => customer.faucet_no);
    expect(new Set(numbers).size).toBe(options.faucets);
    for (const faucetNo of numbers) expect(faucetNo).toMatch(new RegExp(profile.faucetNumber.pattern));
    const known = new Set(numbers);
    for (const row of [...files.readings, ...files.bills, ...files.payments]) expect(known.has(row.faucet_no)).toBe(true);
  });

  it('reads city-centre faucets every month and outlying ones every second month', () => {
    const counts = [...readingsByFaucet.values()].map((readings) => readings.length);
    expect(counts.every((count) => count === 24 || count === 12)).toBe(true);
    expect(counts.filter((count) => count === 24).length).toBeGreaterThan(options.faucets / 2);
    expect(counts.filter((count) => count === 12).length).toBeGreaterThan(5);
    for (const [faucetNo, readings] of readingsByFaucet) {
      const step = cycleMonths(faucetNo);
      readings.forEach((reading, index) => {
        if (index > 0) expect(monthNumber(reading.period) - monthNumber(readings[index - 1]!.period)).toBe(step);
      });
    }
  });

  it('writes usage as m³ of at least 0 with at most one decimal, some with a decimal', () => {
    for (const row of [...files.readings, ...files.bills]) expect(String(row.usage_m3)).toMatch(/^\d+(\.\d)?$/);
    expect(files.readings.some((reading) => !Number.isInteger(reading.usage_m3))).toBe(true);
  });

  it('moves each meter on by exactly the usage, some meters read to a tenth', () => {
    for (const readings of readingsByFaucet.values()) {
      for (let index = 1; index < readings.length; index++) {
        const { meter_value: value, usage_m3: usage } = readings[index]!;
        expect(String(value)).toMatch(/^\d+(\.\d)?$/);
        expect(Math.round(value * 10) - Math.round(readings[index - 1]!.meter_value * 10)).toBe(Math.round(usage * 10));
      }
    }
    expect(files.readings.some((reading) => !Number.isInteger(reading.meter_value))).toBe(true);
  });

  it('uses more water in winter: taps run on frost nights', () => {
    const usageIn = (month: string) =>
      files.readings
        .filter((reading) => reading.period.endsWith(month) && cycleMonths(reading.faucet_no) === 1)
        .reduce((sum, reading) => sum + reading.usage_m3, 0);
    expect(usageIn('-02')).toBeGreaterThan(1.3 * usageIn('-06'));
  });

  it('has exactly one holder with 20 faucets: a company with one billing name and address', () => {
    const faucetsByHolder = groupBy(files.customers, (customer) => customer.holder_name);
    const large = [...faucetsByHolder].filter(([, faucets]) => faucets.length >= 20);
    expect(large).toHaveLength(1);
    const [holder, faucets] = large[0]!;
    expect(holder).toMatch(/^株式会社/);
    expect(faucets).toHaveLength(20);
    expect(new Set(faucets.map((faucet) => `${faucet.billing_name} ${faucet.billing_address}`)).size).toBe(1);
  });

  it('prices every bill with computeCharge for the faucet’s meter: 13 mm for most households, 40 mm for the company', () => {
    const meterSizes = Object.keys(profile.tariff.water.basicChargeByMeterSize).map(Number);
    const holders = new Map(files.customers.map((customer) => [customer.faucet_no, customer.holder_name]));
    const sizesByHolderKind = new Map<string, number[]>();
    for (const [faucetNo, bills] of billsByFaucet) {
      const months = cycleMonths(faucetNo) as 1 | 2;
      const explaining = meterSizes.filter((meterSizeMm) =>
        bills.every((bill) => {
          const charge = computeCharge(profile.tariff, { usageTenths: tenths(bill.usage_m3), meterSizeMm, months });
          return (
            charge.waterCharge === bill.water_charge &&
            charge.sewerCharge === bill.sewer_charge &&
            charge.tax === bill.tax &&
            charge.total === bill.total
          );
        })
      );
      expect(explaining, faucetNo).toHaveLength(1);
      const kind = holders.get(faucetNo)!.startsWith('株式会社') ? 'company' : 'household';
      sizesByHolderKind.set(kind, [...(sizesByHolderKind.get(kind) ?? []), explaining[0]!]);
      for (const bill of bills) expect(bill.total).toBe(bill.water_charge + bill.sewer_charge);
    }
    expect(new Set(sizesByHolderKind.get('company'))).toEqual(new Set([40]));
    const households = sizesByHolderKind.get('household')!;
    expect(households.filter((size) => size === 13).length).toBeGreaterThan(0.7 * households.length);
  });

  it('bills a few days after the reading, due at the end of the next month, debited on the 26th', () => {
    const readingDates = new Map(files.readings.map((reading) => [`${reading.faucet_no} ${reading.period}`, reading.reading_date]));
    const methods = new Map(files.customers.map((customer) => [customer.faucet_no, customer.payment_method]));
    const nextMonth = (period: string) =>
      new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)), 1)).toISOString().slice(0, 7);
    const dayAfter = (date: string) => new Date(Date.parse(date) + 86_400_000).toISOString().slice(0, 10);
    for (const bill of files.bills) {
      expect(bill.issue_date > readingDates.get(`${bill.faucet_no} ${bill.period}`)!).toBe(true);
      expect(bill.issue_date.slice(0, 7)).toBe(bill.period);
      expect(bill.due_date.slice(0, 7)).toBe(nextMonth(bill.period));
      expect(dayAfter(bill.due_date).slice(0, 7)).toBe(nextMonth(nextMonth(bill.period)));
      expect(bill.transfer_date).toBe(methods.get(bill.faucet_no) === 'transfer' ? `${nextMonth(bill.period)}-26` : '');
    }
  });

  it('pays each bill at most once, for its total, up to the end of the last period', () => {
    const keys = files.payments.map((payment) => `${payment.faucet_no} ${payment.period}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const payment of files.payments) {
      const bill = billsByKey.get(`${payment.faucet_no} ${payment.period}`)!;
      expect(payment.amount).toBe(bill.total);
      if (bill.transfer_date) {
        expect(payment.method).toBe('transfer');
        expect(payment.paid_on).toBe(payment.result === 'paid' ? bill.transfer_date : '');
      } else {
        expect(payment).toMatchObject({ method: expect.not.stringMatching('transfer'), result: 'paid' });
        expect(payment.paid_on > bill.issue_date).toBe(true);
      }
      expect(payment.paid_on <= '2025-03-31').toBe(true);
    }
    expect(files.payments.length).toBeLessThan(files.bills.length);
    const methods = new Set(files.payments.map((payment) => payment.method));
    expect([...methods].sort()).toEqual(['convenience', 'counter', 'other', 'transfer']);
  });

  it('has failed transfers (振替不能) and late payments', () => {
    expect(files.payments.some((payment) => payment.result === 'failed' && payment.method === 'transfer')).toBe(true);
    const late = files.payments.filter((payment) => {
      const bill = billsByKey.get(`${payment.faucet_no} ${payment.period}`)!;
      return payment.paid_on > bill.due_date;
    });
    expect(late.length).toBeGreaterThan(0);
  });

  it('has a leak: a month using at least three times the same month a year before', () => {
    const usage = new Map(files.readings.map((reading) => [`${reading.faucet_no} ${reading.period}`, reading.usage_m3]));
    const leaks = files.readings.filter((reading) => {
      const yearBefore = usage.get(`${reading.faucet_no} ${Number(reading.period.slice(0, 4)) - 1}${reading.period.slice(4)}`);
      return yearBefore !== undefined && yearBefore > 0 && reading.usage_m3 >= 3 * yearBefore;
    });
    const leakStory = featuredFaucets(options).find((faucet) => faucet.story === 'leak')!;
    expect(leaks.map((reading) => reading.faucet_no)).toEqual([leakStory.faucetNo]);
  });

  it('has a holder change: a contract starting inside the window, with the previous tenant’s readings before it', () => {
    const changed = files.customers.filter((customer) => customer.contract_start > '2023-04-01');
    expect(changed).toHaveLength(1);
    const readings = readingsByFaucet.get(changed[0]!.faucet_no)!;
    expect(readings.some((reading) => reading.reading_date < changed[0]!.contract_start)).toBe(true);
    expect(readings.some((reading) => reading.reading_date >= changed[0]!.contract_start)).toBe(true);
  });

  it('has vacant faucets that used nothing for months', () => {
    const vacant = [...readingsByFaucet.values()].filter((readings) => readings.slice(-3).every((reading) => reading.usage_m3 === 0));
    expect(vacant.length).toBeGreaterThan(0);
  });

  it('writes names in full-width katakana, phones of 10 or 11 digits or none, addresses in 名寄市', () => {
    for (const customer of files.customers) {
      expect(customer.holder_kana).toMatch(/^[ァ-ヶー\u3000]+$/);
      if (customer.phone) expect(customer.phone.replaceAll('-', '')).toMatch(/^0\d{9,10}$/);
      expect(customer.supply_address).toMatch(/^名寄市/);
      expect(customer.billing_postal_code).toMatch(/^\d{3}-\d{4}$/);
    }
    expect(files.customers.some((customer) => customer.phone === '')).toBe(true);
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
    const customer = files.customers.find((row) => row.faucet_no === faucetNo)!;
    expect(customer.phone).toBe(phone);
    expect(phone).not.toBe('');
    expect(customer.holder_name).not.toMatch(/株式会社/);
    expect(readingsByFaucet.get(faucetNo)).toHaveLength(options.months);
  });

  it('still makes a usable data set from one faucet and one month', () => {
    const tiny = generateAll({ ...options, faucets: 1, months: 1 });
    expect(tiny.customers.map((customer) => customer.faucet_no)).toEqual([demoFaucet({ ...options, faucets: 1, months: 1 }).faucetNo]);
    expect(tiny.readings).toHaveLength(1);
    expect(tiny.bills).toHaveLength(1);
  });
});
