import type { BillRow, CustomerRow, PaymentRow, ReadingRow } from '../../../src/lib/shared/billing-rows.js';
import type { UtilityProfile } from '../../../server/config.js';
import { generateDemo } from '../../../server/demo/generate.js';
import { demoOptions } from '../../../server/demo/load.js';
import { profile, signupFaucet } from './demo.js';

export interface DemoHistory {
  customer: CustomerRow;
  readings: ReadingRow[];
  bills: BillRow[];
  payments: PaymentRow[];
}

/** What the billing system holds for a demo faucet (of the demo utility `of`): the rows the e2e server imported, from the same generator. */
export function faucetHistory(faucetNo: string, of: UtilityProfile = profile): DemoHistory {
  const { rows } = generateDemo(demoOptions(of, new Date()));
  const find = <Row extends { faucetNo: string }>(perFaucet: Iterable<Row[]>): Row[] => {
    for (const faucetRows of perFaucet) if (faucetRows[0]?.faucetNo === faucetNo) return faucetRows;
    throw new Error(`the demo has no rows for faucet ${faucetNo}`);
  };
  return { customer: find(rows.customers)[0]!, readings: find(rows.readings), bills: find(rows.bills), payments: find(rows.payments) };
}

export function signupFaucetHistory(): DemoHistory {
  return faucetHistory(signupFaucet().faucetNo);
}
