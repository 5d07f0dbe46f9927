import type { Localized } from './localized';

/**
 * 適格請求書発行事業者の登録番号: "T" and a 13-digit 法人番号, whose first digit is a check digit
 * over the other twelve (国税庁「法人番号の指定」: 9 − (Σ Pn × Qn mod 9), Pn the n-th digit from
 * the right of the twelve, Qn 1 for odd n and 2 for even n). A mistyped number in the profile
 * would put a false number on every customer's invoice, so the server refuses it at start.
 */
export function registrationNumberProblem(value: string): string | null {
  const match = /^T([1-9])(\d{12})$/.exec(value);
  if (!match) return 'expected T and 13 digits (T1234567890123)';
  const digits = [...match[2]!].reverse().map(Number);
  const weighted = digits.reduce((sum, digit, index) => sum + digit * (index % 2 === 0 ? 1 : 2), 0);
  const check = 9 - (weighted % 9);
  return Number(match[1]) === check ? null : `check digit ${match[1]} does not match the number (expected ${check})`;
}

/** Who issues the qualified invoices, as the profile gives it. */
export interface InvoiceIssuer {
  registrationNumber: string;
  name: Localized;
}

/** One bill's amounts as the statement shows them: charges with tax, their sum per rate and the tax in it. */
export interface InvoiceAmounts {
  water: number;
  sewer: number;
  /** The sum for the one tax rate the charges carry (10 %), tax included. */
  total: number;
  tax: number;
}

/**
 * The tax a bill's total holds. The billing system's own figure when its file gave one (it is
 * what its printed bill says); otherwise worked out once from the total, as a qualified invoice
 * rounds once per rate and invoice: floor(total × rate / (100 + rate)).
 */
export function taxIncluded(bill: { total: number; tax: number | null }, taxRatePercent: number): number {
  return bill.tax ?? Math.floor((bill.total * taxRatePercent) / (100 + taxRatePercent));
}

export function invoiceAmounts(bill: { waterCharge: number; sewerCharge: number; total: number; tax: number | null }, taxRatePercent: number): InvoiceAmounts {
  return { water: bill.waterCharge, sewer: bill.sewerCharge, total: bill.total, tax: taxIncluded(bill, taxRatePercent) };
}

/** A statement over many bills: each bill's amounts summed (each bill is its own invoice, rounded on its own). */
export function sumAmounts(amounts: InvoiceAmounts[]): InvoiceAmounts {
  return amounts.reduce((sum, bill) => ({ water: sum.water + bill.water, sewer: sum.sewer + bill.sewer, total: sum.total + bill.total, tax: sum.tax + bill.tax }), {
    water: 0,
    sewer: 0,
    total: 0,
    tax: 0
  });
}
