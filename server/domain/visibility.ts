import { periodOfDate, shiftPeriod } from '../../src/lib/shared/periods.js';

/**
 * Which billing periods a contract holder may see. A holder who moved in on the 1st sees
 * that month; one who moved in later sees from the next month, because the first period's
 * reading and bill still cover the previous tenant's use. The last period is the one the
 * contract ended in.
 */
export function firstVisiblePeriod(contractStart: string): string {
  const period = periodOfDate(contractStart);
  return contractStart.endsWith('-01') ? period : shiftPeriod(period, 1);
}

export function lastVisiblePeriod(contractEnd: string | null): string | null {
  return contractEnd === null ? null : periodOfDate(contractEnd);
}
