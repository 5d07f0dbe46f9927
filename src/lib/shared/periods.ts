/**
 * Billing periods are `YYYY-MM`: the month of the reading. The one place that counts months,
 * for the server (visible periods, the last complete month) and the app (history, charts).
 */

/** Months since year 0, so periods can be compared and shifted with plain arithmetic. */
export function monthIndex(period: string): number {
  const match = /^(\d{4})-(\d{2})$/.exec(period);
  if (!match) throw new RangeError(`a period is YYYY-MM, not "${period}"`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

export function periodAt(index: number): string {
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

export function shiftPeriod(period: string, months: number): string {
  return periodAt(monthIndex(period) + months);
}

/** The period a calendar date (YYYY-MM-DD) falls in. */
export function periodOfDate(date: string): string {
  return date.slice(0, 7);
}
