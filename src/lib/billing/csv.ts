import { historyTexts } from '$lib/i18n/ja/history';
import { billingTexts } from '$lib/i18n/ja/billing';
import { texts } from '$lib/i18n/locale.svelte';
import type { Locale } from '$lib/i18n/messages';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import type { History, HistoryRow } from './history';
import { periodLabel } from './periods';
import { neutralizeFormula } from '$lib/shared/csv-cell';
import { formatMeter, usageNumber } from '$lib/shared/format';
import type { PaymentMethod } from './status';

export type CsvCell = string | number | null;

const BOM = '\uFEFF';

function cell(value: CsvCell): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const text = neutralizeFormula(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * CSV as Excel opens it without asking: UTF-8 with a byte-order mark (otherwise Japanese
 * Excel reads Shift_JIS and shows mojibake), CRLF line ends, quotes where a cell needs them.
 */
export function csvText(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((row) => row.map(cell).join(',') + '\r\n').join('');
}

/** How a period was paid, or is to be: the payment's method, else a direct debit when one is planned. */
export function methodOf(row: Pick<HistoryRow, 'payment' | 'bill'>): PaymentMethod | null {
  return row.payment?.method ?? (row.bill?.transferDate ? 'transfer' : null);
}

const t = texts(historyTexts, billingTexts);

const headers: (keyof typeof historyTexts)[] = [
  'csv.faucetNo',
  'csv.address',
  'csv.period',
  'csv.readingDate',
  'csv.meter',
  'csv.usage',
  'csv.lastYearUsage',
  'csv.water',
  'csv.sewer',
  'csv.total',
  'csv.tax',
  'csv.lastYearTotal',
  'csv.dueDate',
  'csv.transferDate',
  'csv.method',
  'csv.paidOn',
  'csv.status'
];

/** The history page's data as a CSV file: one line a period, newest first like the page's table. */
export function historyCsv(faucet: Pick<SyncedFaucet, 'faucetNo' | 'supplyAddress'>, history: History, locale: Locale): string {
  // In the language asked for, the page's: English is loaded once it is chosen.
  const text = (key: Parameters<typeof t>[0]) => t.both(key)[locale];
  const usage = (tenths: number | null | undefined) => (tenths === null || tenths === undefined ? null : usageNumber(tenths, false));
  const lines = history.rows.map((row): CsvCell[] => {
    const method = methodOf(row);
    return [
      faucet.faucetNo,
      faucet.supplyAddress,
      periodLabel(row.period, row.months, locale),
      row.reading?.readingDate ?? null,
      row.reading ? formatMeter(row.reading.meterTenths, false) : null,
      usage(row.usageTenths),
      usage(row.lastYear?.usageTenths),
      row.bill?.waterCharge ?? null,
      row.bill?.sewerCharge ?? null,
      row.bill?.total ?? null,
      row.bill?.tax ?? null,
      row.lastYear?.total ?? null,
      row.bill?.dueDate ?? null,
      row.bill?.transferDate ?? null,
      method ? text(`method.${method}`) : null,
      row.payment?.paidOn ?? null,
      row.status ? text(`status.${row.status.kind}`) : null
    ];
  });
  return csvText([headers.map(text), ...lines]);
}
