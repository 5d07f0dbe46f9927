import type { Tariff } from './profile';
import { computeCharge, meterSizesOf, type Charge } from './tariff';

/** What a bill says, as much as explaining it needs. */
export interface BillAmounts {
  usageTenths: number;
  waterCharge: number;
  sewerCharge: number;
  total: number;
  tax: number | null;
}

/**
 * Where the meter size of an explanation comes from: the contract (the customers file's
 * meter_size_mm), the one size whose charge is exactly the bill, or, failing both, the
 * smallest size, as most households have.
 */
export type MeterSizeSource = 'contract' | 'matched' | 'smallest';

export interface ExplainedBill {
  meterSizeMm: number;
  source: MeterSizeSource;
  charge: Charge;
  /** The tariff's charge is the bill's to the yen (water, sewer, total and, when printed, tax). */
  matches: boolean;
}

const agrees = (charge: Charge, bill: BillAmounts) =>
  charge.waterCharge === bill.waterCharge &&
  charge.sewerCharge === bill.sewerCharge &&
  charge.total === bill.total &&
  (bill.tax === null || charge.tax === bill.tax);

/**
 * A bill explained line by line by the tariff, for its period's months. A bill that the
 * tariff does not give to the yen (a revised tariff, a charge for part of a period) is still
 * explained, and `matches` says that the lines are not the bill's own.
 */
export function explainBill(tariff: Tariff, bill: BillAmounts, months: 1 | 2, contractMeterSizeMm: number | null): ExplainedBill {
  const sizes = meterSizesOf(tariff);
  const priced = (meterSizeMm: number) => computeCharge(tariff, { usageTenths: bill.usageTenths, meterSizeMm, months });
  if (contractMeterSizeMm !== null && sizes.includes(contractMeterSizeMm)) {
    const charge = priced(contractMeterSizeMm);
    return { meterSizeMm: contractMeterSizeMm, source: 'contract', charge, matches: agrees(charge, bill) };
  }
  // A customers file without meter_size_mm leaves the size unknown; it is read back from the bill, as each size's basic charge differs.
  for (const meterSizeMm of sizes) {
    const charge = priced(meterSizeMm);
    if (agrees(charge, bill)) return { meterSizeMm, source: 'matched', charge, matches: true };
  }
  const charge = priced(sizes[0]!);
  return { meterSizeMm: sizes[0]!, source: 'smallest', charge, matches: false };
}
