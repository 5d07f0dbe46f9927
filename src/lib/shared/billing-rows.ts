/** A reading, bill and payment as the billing system's files carry them and as the device keeps them. */
export interface ReadingRow {
  faucetNo: string;
  period: string;
  readingDate: string;
  /** The meter register in tenths of a m³: 1014.5 is 10145. */
  meterTenths: number;
  usageTenths: number;
  nextReadingDate: string | null;
}

export interface BillRow {
  faucetNo: string;
  period: string;
  usageTenths: number;
  waterCharge: number;
  sewerCharge: number;
  total: number;
  tax: number | null;
  issueDate: string;
  dueDate: string | null;
  transferDate: string | null;
}

export interface PaymentRow {
  faucetNo: string;
  period: string;
  amount: number;
  method: 'transfer' | 'convenience' | 'counter' | 'other';
  result: 'paid' | 'failed';
  paidOn: string | null;
}
