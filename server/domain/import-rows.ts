import {
  rowColumns,
  type BillRow,
  type Column,
  type ColumnType,
  type CustomerRow,
  type RowKind,
  type RowsByKind
} from '../../src/lib/shared/billing-rows.js';
import type { Localized } from '../../src/lib/shared/localized.js';
import { normalizeCodeNumber, normalizeQuantity, normalizeText } from '../../src/lib/shared/normalize.js';
import { isPeriod, isRealDate } from '../../src/lib/shared/periods.js';
import { forbiddenCharacter } from '../../src/lib/shared/typed-text.js';

export const importKinds = ['customers', 'readings', 'bills', 'payments'] as const satisfies readonly RowKind[];
export type ImportKind = (typeof importKinds)[number];

/** Why a value was refused, in both of the report's languages. */
export type Reason = Localized;

export interface Problem {
  /** The physical line of the file (the header is line 1). */
  line: number;
  column: string;
  value: string;
  reason: Reason;
  /** What the rest of a long report counts this by, when the reason names this line's particulars. */
  rule?: Reason;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; reason: Reason };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const refuse = (ja: string, en: string): Parsed<never> => ({ ok: false, reason: { ja, en } });

export interface RowRules {
  /** The utility profile's faucet-number pattern, checked after normalising. */
  faucetNumberPattern: RegExp;
  /** The ids of the profile's tariff districts: a customer's district must be one of them. */
  districts: readonly string[];
}

/** The rules of a utility's files, from its profile (a plain object: it goes to the checking thread as it is). */
export function rowRulesOf(profile: { faucetNumber: { pattern: string }; tariffDistricts?: { districts: { id: string }[] } }): RowRules {
  return {
    faucetNumberPattern: new RegExp(profile.faucetNumber.pattern),
    districts: profile.tariffDistricts?.districts.map((district) => district.id) ?? []
  };
}

type FieldParser<T> = (raw: string, rules: RowRules) => Parsed<T>;

const date: FieldParser<string> = (raw) => {
  const text = normalizeText(raw);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return refuse('日付は YYYY-MM-DD で書いてください', 'a date must be written YYYY-MM-DD');
  if (!isRealDate(text)) return refuse('存在しない日付です', 'not a real date');
  return ok(text);
};

const period: FieldParser<string> = (raw) => {
  const text = normalizeText(raw);
  if (!isPeriod(text)) {
    return refuse('期間は YYYY-MM（月は 01〜12）で書いてください', 'a period must be written YYYY-MM (month 01–12)');
  }
  return ok(text);
};

const yen: FieldParser<number> = (raw) => {
  const text = normalizeQuantity(raw);
  if (!/^\d+$/.test(text)) {
    return refuse('金額は 0 以上の整数（円）で書いてください', 'an amount must be a whole number of yen, 0 or more');
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value > 2_147_483_647) return refuse('金額が大きすぎます', 'the amount is too large');
  return ok(value);
};

/** A quantity of 0 or more with at most one decimal (meters and usage may read 0.1 m³), in tenths. */
function tenths(wholeDigits: number, reason: Reason): FieldParser<number> {
  const pattern = new RegExp(`^(\\d{1,${wholeDigits}})(?:\\.(\\d))?$`);
  return (raw) => {
    const match = pattern.exec(normalizeQuantity(raw));
    return match ? ok(Number(match[1]) * 10 + Number(match[2] ?? 0)) : { ok: false, reason };
  };
}

const meterTenths = tenths(9, {
  ja: '指針は 0 以上、小数点以下 1 桁までの数で書いてください',
  en: 'a meter value must be 0 or more with at most one decimal'
});

const usageTenths = tenths(8, {
  ja: '使用水量は 0 以上、小数点以下 1 桁までの数で書いてください（m³）',
  en: 'usage must be 0 or more m³ with at most one decimal'
});

/**
 * A typed value as the import file writes it, for the column's parser to read back as the same
 * value: tenths as m³ with at most one decimal (10145 is 1014.5, 240 is 24), an empty optional field as ''.
 */
function cellText(type: ColumnType, value: unknown): string {
  if (value === null) return '';
  return type === 'meterTenths' || type === 'usageTenths' ? String((value as number) / 10) : String(value);
}

const meterSize: FieldParser<number> = (raw) => {
  const text = normalizeQuantity(raw);
  if (!/^[1-9]\d{0,2}$/.test(text)) return refuse('メーター口径は mm の整数で書いてください（例: 13, 20）', 'a meter size must be whole millimetres (e.g. 13, 20)');
  return ok(Number(text));
};

const district: FieldParser<string> = (raw, rules) => {
  const text = normalizeText(raw);
  if (rules.districts.includes(text)) return ok(text);
  // The same reason on every such line (the report shows the value), so a long report counts them as one rule.
  return rules.districts.length === 0
    ? refuse('この事業体には料金区域がありません。空欄にしてください', 'the utility has no tariff districts; leave it empty')
    : refuse(
        `プロファイルにない料金区域です（次のいずれか、または空欄: ${rules.districts.join(', ')}）`,
        `not a tariff district of the profile (one of: ${rules.districts.join(', ')}, or empty)`
      );
};

const faucetNo: FieldParser<string> = (raw, rules) => {
  const text = normalizeCodeNumber(raw);
  if (!rules.faucetNumberPattern.test(text)) {
    return refuse('水栓番号の形式が正しくありません', "the faucet number does not match the utility's format");
  }
  return ok(text);
};

const phone: FieldParser<string | null> = (raw) => {
  const text = normalizeCodeNumber(raw);
  if (!/^0\d{9,10}$/.test(text)) {
    return refuse('電話番号は 0 から始まる 10 桁か 11 桁で書いてください', 'a phone number must be 10 or 11 digits starting with 0');
  }
  return ok(text);
};

const postalCode: FieldParser<string | null> = (raw) => {
  const text = normalizeCodeNumber(raw);
  if (!/^\d{7}$/.test(text)) return refuse('郵便番号は 7 桁で書いてください', 'a postal code must be 7 digits');
  return ok(`${text.slice(0, 3)}-${text.slice(3)}`);
};

const text: FieldParser<string> = (raw) => ok(raw.trim());

function oneOf(allowed: readonly string[]): FieldParser<string> {
  return (raw) => {
    const value = normalizeText(raw);
    const found = allowed.find((candidate) => candidate === value);
    return found ? ok(found) : refuse(`次のいずれかで書いてください: ${allowed.join(', ')}`, `must be one of: ${allowed.join(', ')}`);
  };
}

const parsers: Record<Exclude<ColumnType, { oneOf: readonly string[] }>, FieldParser<unknown>> = {
  faucetNo,
  period,
  date,
  text,
  phone,
  postalCode,
  yen,
  meterTenths,
  usageTenths,
  meterSize,
  district
};

const parserOf = ({ type }: Column): FieldParser<unknown> => (typeof type === 'string' ? parsers[type] : oneOf(type.oneOf));

/** Each file's columns (src/lib/shared/billing-rows.ts) with the parser of their type. */
export const columnSpecs: Record<ImportKind, (Column & { parse: FieldParser<unknown> })[]> = {
  customers: rowColumns.customers.map((column) => ({ ...column, parse: parserOf(column) })),
  readings: rowColumns.readings.map((column) => ({ ...column, parse: parserOf(column) })),
  bills: rowColumns.bills.map((column) => ({ ...column, parse: parserOf(column) })),
  payments: rowColumns.payments.map((column) => ({ ...column, parse: parserOf(column) }))
};

/** An import file's header: its columns' names, in order. */
export const fileHeader = (kind: ImportKind): string[] => columnSpecs[kind].map((column) => column.csv);

/** A typed row as the cells of its import file's line, in the header's order: validateRow reads them back as the same row. */
export function encodeRow<K extends ImportKind>(kind: K, row: RowsByKind[K]): string[] {
  const values: Record<string, unknown> = row;
  return columnSpecs[kind].map((column) => cellText(column.type, values[column.field]));
}

export interface HeaderCheck {
  missing: string[];
  unknown: string[];
}

export function checkHeader(kind: ImportKind, header: string[]): HeaderCheck {
  const known = new Set(fileHeader(kind));
  const present = new Set(header);
  return {
    missing: columnSpecs[kind].filter((column) => column.required && !present.has(column.csv)).map((column) => column.csv),
    unknown: header.filter((name) => !known.has(name))
  };
}

/** Characters no field of any column may hold. */
const unacceptable: { test: (raw: string) => boolean; reason: Reason }[] = [
  // What a wrong decoding leaves behind: the replacement character never comes from a billing system.
  { test: (raw) => raw.includes('\uFFFD'), reason: { ja: '文字コードを判別できない文字があります', en: 'contains characters that could not be decoded' } },
  // The rule every typed field follows, but tab and line ends (an address may span lines): PostgreSQL cannot even store U+0000.
  { test: (raw) => forbiddenCharacter(raw, true) !== null, reason: { ja: '制御文字（U+0000 など）が含まれています', en: 'contains a control character (such as U+0000)' } }
];

function rowLevelProblems(kind: ImportKind, row: Record<string, unknown>): { column: string; reason: Reason; rule?: Reason }[] {
  if (kind === 'bills') {
    const bill = row as unknown as BillRow;
    if (bill.total !== bill.waterCharge + bill.sewerCharge) {
      return [
        {
          column: 'total',
          reason: {
            ja: `合計が水道料金と下水道使用料の和（${bill.waterCharge + bill.sewerCharge}）と一致しません`,
            en: `total is not water_charge + sewer_charge (${bill.waterCharge + bill.sewerCharge})`
          },
          rule: { ja: '合計が水道料金と下水道使用料の和と一致しません', en: 'total is not water_charge + sewer_charge' }
        }
      ];
    }
  }
  if (kind === 'customers') {
    const customer = row as unknown as CustomerRow;
    if (customer.contractEnd !== null && customer.contractEnd < customer.contractStart) {
      return [{ column: 'contract_end', reason: { ja: '契約終了日が契約開始日より前です', en: 'contract_end is before contract_start' } }];
    }
  }
  return [];
}

/**
 * Whether a required value is read exactly as written: nothing to refuse and nothing to
 * normalise. The import's fast path takes a file only when every faucet number passes this,
 * so the rows it stores are the ones validateRow would have made.
 */
export function takenAsWritten(column: Column & { parse: FieldParser<unknown> }, raw: string, rules: RowRules): boolean {
  if (raw.trim() === '' || unacceptable.some(({ test }) => test(raw))) return false;
  const parsed = column.parse(raw, rules);
  return parsed.ok && parsed.value === raw;
}

export type RowResult<K extends ImportKind> =
  | { ok: true; row: RowsByKind[K] }
  | { ok: false; problems: Problem[] };

/**
 * Checks one CSV record against its file's rules and returns the typed row, or every
 * problem of the record (not only the first), each naming its line, column and value.
 */
export function validateRow<K extends ImportKind>(
  kind: K,
  record: Record<string, string | undefined>,
  line: number,
  rules: RowRules
): RowResult<K> {
  const problems: Problem[] = [];
  const row: Record<string, unknown> = {};
  for (const column of columnSpecs[kind]) {
    const raw = record[column.csv] ?? '';
    const { field } = column;
    const refused = unacceptable.find(({ test }) => test(raw));
    if (refused) {
      problems.push({ line, column: column.csv, value: raw, reason: refused.reason });
      continue;
    }
    if (raw.trim() === '') {
      if (column.required) {
        problems.push({ line, column: column.csv, value: raw, reason: { ja: '必須項目が空です', en: 'required value is empty' } });
      }
      row[field] = null;
      continue;
    }
    const parsed = column.parse(raw, rules);
    if (parsed.ok) row[field] = parsed.value;
    else problems.push({ line, column: column.csv, value: raw, reason: parsed.reason });
  }
  if (problems.length === 0) {
    for (const problem of rowLevelProblems(kind, row)) {
      problems.push({ line, value: record[problem.column] ?? '', ...problem });
    }
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, row: row as unknown as RowsByKind[K] };
}
