import { describe, expect, it } from 'vitest';
import { checkHeader, encodeRow, fileHeader, importKinds, rowRulesOf, validateRow, type ImportKind } from './import-rows.js';

const rules = rowRulesOf({ faucetNumber: { pattern: '^[0-9]{8}$' } });

const valid: Record<ImportKind, Record<string, string>> = {
  customers: {
    faucet_no: '10000001',
    holder_name: '髙橋 一郎',
    holder_kana: 'タカハシ イチロウ',
    phone: '01654-2-1234',
    supply_address: '名寄市西3条南5丁目①',
    billing_name: '',
    billing_postal_code: '096-0011',
    billing_address: '',
    contract_start: '2020-04-01',
    contract_end: '',
    payment_method: 'transfer',
    meter_size_mm: '２０'
  },
  readings: {
    faucet_no: '10000001',
    period: '2026-10',
    reading_date: '2026-10-14',
    meter_value: '1234',
    usage_m3: '21.5',
    next_reading_date: '2026-11-13'
  },
  bills: {
    faucet_no: '10000001',
    period: '2026-10',
    usage_m3: '21',
    water_charge: '4000',
    sewer_charge: '3000',
    total: '7000',
    tax: '636',
    issue_date: '2026-10-16',
    due_date: '2026-11-30',
    transfer_date: '2026-11-26'
  },
  payments: { faucet_no: '10000001', period: '2026-10', amount: '7000', method: 'transfer', result: 'paid', paid_on: '2026-11-26' }
};

function problemsOf(kind: ImportKind, change: Record<string, string>) {
  const result = validateRow(kind, { ...valid[kind], ...change }, 7, rules);
  return result.ok ? [] : result.problems.map((problem) => `${problem.line} ${problem.column} "${problem.value}": ${problem.reason.en}`);
}

describe('validateRow', () => {
  it('accepts a valid row of every file and types its values', () => {
    expect(validateRow('customers', valid.customers, 2, rules)).toMatchObject({
      ok: true,
      row: { faucetNo: '10000001', phone: '0165421234', billingPostalCode: '096-0011', billingName: null, contractEnd: null, meterSizeMm: 20 }
    });
    expect(validateRow('readings', valid.readings, 2, rules)).toMatchObject({
      ok: true,
      row: { usageTenths: 215, meterTenths: 12340, nextReadingDate: '2026-11-13' }
    });
    expect(validateRow('bills', valid.bills, 2, rules)).toMatchObject({ ok: true, row: { total: 7000, tax: 636, usageTenths: 210 } });
    expect(validateRow('payments', valid.payments, 2, rules)).toMatchObject({ ok: true, row: { method: 'transfer', paidOn: '2026-11-26' } });
  });

  it('takes a meter value with one decimal, as usage (a meter read to 0.1 m³)', () => {
    expect(validateRow('readings', { ...valid.readings, meter_value: '1014.5' }, 2, rules)).toMatchObject({ ok: true, row: { meterTenths: 10145 } });
    expect(validateRow('readings', { ...valid.readings, meter_value: '１０１４．５' }, 2, rules)).toMatchObject({ ok: true, row: { meterTenths: 10145 } });
  });

  it('normalises full-width digits and hyphens before checking numbers', () => {
    const result = validateRow('readings', { ...valid.readings, faucet_no: '１０００－０００１', usage_m3: '２１．５', period: '２０２６－１０' }, 2, rules);
    expect(result).toMatchObject({ ok: true, row: { faucetNo: '10000001', usageTenths: 215, period: '2026-10' } });
  });

  it.each([
    ['readings', { reading_date: '2025-02-30' }, 'reading_date "2025-02-30": not a real date'],
    ['readings', { reading_date: '2025/02/03' }, 'reading_date "2025/02/03": a date must be written YYYY-MM-DD'],
    ['readings', { period: '2026-13' }, 'period "2026-13": a period must be written YYYY-MM'],
    ['readings', { usage_m3: '-1' }, 'usage_m3 "-1": usage must be 0 or more'],
    ['readings', { usage_m3: '12.25' }, 'usage_m3 "12.25": usage must be 0 or more m³ with at most one decimal'],
    ['readings', { faucet_no: '1234567' }, "faucet_no \"1234567\": the faucet number does not match the utility's format"],
    ['readings', { meter_value: '1014.55' }, 'meter_value "1014.55": a meter value must be 0 or more with at most one decimal'],
    ['readings', { meter_value: '-1' }, 'meter_value "-1": a meter value must be 0 or more with at most one decimal'],
    ['bills', { water_charge: '-5', total: '2995' }, 'water_charge "-5": an amount must be a whole number of yen, 0 or more'],
    ['bills', { tax: '63.6' }, 'tax "63.6": an amount must be a whole number of yen'],
    ['bills', { total: '7001' }, 'total "7001": total is not water_charge + sewer_charge (7000)'],
    ['customers', { payment_method: 'cash' }, 'payment_method "cash": must be one of: transfer, invoice'],
    ['customers', { meter_size_mm: '13.5' }, 'meter_size_mm "13.5": a meter size must be whole millimetres (e.g. 13, 20)'],
    ['customers', { meter_size_mm: '0' }, 'meter_size_mm "0": a meter size must be whole millimetres (e.g. 13, 20)'],
    ['customers', { phone: '12345' }, 'phone "12345": a phone number must be 10 or 11 digits starting with 0'],
    ['customers', { billing_postal_code: '096-001' }, 'billing_postal_code "096-001": a postal code must be 7 digits'],
    ['customers', { contract_end: '2019-03-31' }, 'contract_end "2019-03-31": contract_end is before contract_start'],
    ['customers', { holder_name: '  ' }, 'holder_name "  ": required value is empty'],
    ['payments', { method: 'card' }, 'method "card": must be one of: transfer, convenience, counter, other'],
    ['payments', { result: 'ok' }, 'result "ok": must be one of: paid, failed'],
    ['payments', { paid_on: '2026-11-31' }, 'paid_on "2026-11-31": not a real date']
  ] as const)('%s with %o: %s', (kind, change, expected) => {
    const problems = problemsOf(kind, change);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`7 ${expected}`);
  });

  it('refuses control characters, which PostgreSQL cannot store (U+0000) or no billing system writes, but not line ends', () => {
    expect(problemsOf('customers', { holder_name: '髙橋\u0000一郎' })).toEqual(['7 holder_name "髙橋\u0000一郎": contains a control character (such as U+0000)']);
    expect(problemsOf('customers', { supply_address: 'a\u0007' })).toHaveLength(1);
    expect(problemsOf('customers', { billing_address: '名寄市東1条\r\n南2丁目\t' })).toEqual([]);
  });

  it('refuses what every typed field refuses: DEL, C1 and bidirectional controls too', () => {
    for (const bad of ['a\u007f', 'a\u0085', '名寄\u202E市', '\u2066名寄\u2069']) {
      expect(problemsOf('customers', { supply_address: bad })).toEqual([`7 supply_address "${bad}": contains a control character (such as U+0000)`]);
    }
  });

  it('reports every bad value of a record, in Japanese too', () => {
    const result = validateRow('readings', { ...valid.readings, period: 'x', usage_m3: 'y' }, 3, rules);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((problem) => problem.column)).toEqual(['period', 'usage_m3']);
    expect(result.problems[0]!.reason.ja).toContain('YYYY-MM');
  });

  it('allows an empty phone (such a faucet cannot be proven online yet)', () => {
    expect(validateRow('customers', { ...valid.customers, phone: '' }, 2, rules)).toMatchObject({ ok: true, row: { phone: null } });
  });

  it("takes a tariff district of the profile (normalised), an empty one as none, and refuses any other", () => {
    const districtRules = rowRulesOf({ faucetNumber: { pattern: '^[0-9]{8}$' }, tariffDistricts: { districts: [{ id: 'furen' }, { id: 'SHIMO_02' }] } });
    const customer = (district: string) => validateRow('customers', { ...valid.customers, district }, 7, districtRules);
    expect(customer('ｆｕｒｅｎ ')).toMatchObject({ ok: true, row: { district: 'furen' } });
    expect(customer('SHIMO_02')).toMatchObject({ ok: true, row: { district: 'SHIMO_02' } });
    expect(customer('')).toMatchObject({ ok: true, row: { district: null } });
    expect(customer('shimo_02')).toMatchObject({
      ok: false,
      problems: [{ line: 7, column: 'district', value: 'shimo_02', reason: { en: 'not a tariff district of the profile (one of: furen, SHIMO_02, or empty)' } }]
    });
    expect(problemsOf('customers', { district: 'furen' })).toEqual(['7 district "furen": the utility has no tariff districts; leave it empty']);
  });

  it('refuses text that a wrong decoding garbled', () => {
    expect(problemsOf('customers', { holder_name: '\uFFFD\uFFFD' })).toEqual([
      '7 holder_name "\uFFFD\uFFFD": contains characters that could not be decoded'
    ]);
  });
});

describe('checkHeader', () => {
  it('names missing required columns and unknown ones; optional columns may be absent', () => {
    expect(checkHeader('readings', ['faucet_no', 'period', 'meter_value', 'usage_m3', 'remarks'])).toEqual({
      missing: ['reading_date'],
      unknown: ['remarks']
    });
  });
});

describe('encodeRow', () => {
  const record = (kind: ImportKind, cells: string[]) => Object.fromEntries(fileHeader(kind).map((name, index) => [name, cells[index]!]));

  it('writes every kind of row as cells the import reads back as the same row', () => {
    for (const kind of importKinds) {
      const read = validateRow(kind, valid[kind], 2, rules);
      if (!read.ok) throw new Error(`the valid ${kind} row is refused`);
      expect(validateRow(kind, record(kind, encodeRow(kind, read.row)), 2, rules), kind).toEqual(read);
    }
  });

  it('writes tenths as m³ with one decimal at most, an empty optional field as an empty cell, in the header order', () => {
    const read = validateRow('readings', { ...valid.readings, meter_value: '1014.5', usage_m3: '0.1', next_reading_date: '' }, 2, rules);
    if (!read.ok) throw new Error('the reading is refused');
    expect(fileHeader('readings')).toEqual(['faucet_no', 'period', 'reading_date', 'meter_value', 'usage_m3', 'next_reading_date']);
    expect(encodeRow('readings', read.row)).toEqual(['10000001', '2026-10', '2026-10-14', '1014.5', '0.1', '']);
    expect(encodeRow('readings', { ...read.row, meterTenths: 12340, usageTenths: 0 }).slice(3, 5)).toEqual(['1234', '0']);
  });
});
