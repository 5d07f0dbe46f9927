import { statementTexts } from '$lib/i18n/ja/statement';
import { texts } from '$lib/i18n/locale.svelte';
import type { Locale } from '$lib/i18n/messages';
import type { LocalBill, LocalPayment, LocalReading } from '$lib/local/db';
import { invoiceAmounts, sumAmounts, type InvoiceAmounts } from '$lib/shared/qualified-invoice';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { csvText } from './csv';
import { buildHistory } from './history';
import { periodLabel, type CycleMonths } from './periods';

/** Which bills a statement covers: one faucet's or all of them, periods from … to (YYYY-MM, both included). */
export interface StatementRange {
  faucetNo: string | null;
  from: string;
  to: string;
}

export interface StatementLine {
  faucet: Pick<SyncedFaucet, 'faucetNo' | 'label' | 'holderName' | 'supplyAddress'>;
  bill: LocalBill;
  months: CycleMonths;
  amounts: InvoiceAmounts;
}

export interface Statement {
  lines: StatementLine[];
  total: InvoiceAmounts;
}

/**
 * The bills a statement lists, from the device's copy: by faucet in the account's order, each
 * faucet's oldest first, so a year reads down like the books it goes into.
 */
export function buildStatement(
  copy: { faucets: readonly SyncedFaucet[]; readings: readonly LocalReading[]; bills: readonly LocalBill[]; payments: readonly LocalPayment[] },
  range: StatementRange,
  today: string,
  taxRatePercent: number
): Statement {
  const faucets = copy.faucets.filter((faucet) => range.faucetNo === null || faucet.faucetNo === range.faucetNo);
  const lines = faucets.flatMap((faucet) =>
    buildHistory(faucet.faucetNo, copy, today)
      .rows.filter((row) => row.bill !== null && row.period >= range.from && row.period <= range.to)
      .reverse()
      .map((row) => ({ faucet, bill: row.bill!, months: row.months, amounts: invoiceAmounts(row.bill!, taxRatePercent) }))
  );
  return { lines, total: sumAmounts(lines.map((line) => line.amounts)) };
}

const t = texts(statementTexts);

/** The statement as a CSV file Excel opens (csv.ts): one line a bill, then the totals. */
export function statementCsv(statement: Statement, locale: Locale, taxRatePercent: number): string {
  const text = (key: Parameters<typeof t>[0]) => t.both(key)[locale];
  const rate = (key: 'statement.totalAtRate' | 'statement.taxAtRate') => text(key).replace('{rate}', String(taxRatePercent));
  const header = [text('statement.faucet'), text('statement.address'), text('statement.period'), text('statement.issueDate'), text('statement.water'), text('statement.sewer'), rate('statement.totalAtRate'), rate('statement.taxAtRate')];
  const lines = statement.lines.map(({ faucet, bill, months, amounts }) => [
    faucet.faucetNo,
    faucet.supplyAddress,
    periodLabel(bill.period, months, locale),
    bill.issueDate,
    amounts.water,
    amounts.sewer,
    amounts.total,
    amounts.tax
  ]);
  const { water, sewer, total, tax } = statement.total;
  return csvText([header, ...lines, [text('statement.grandTotal'), null, null, null, water, sewer, total, tax]]);
}
