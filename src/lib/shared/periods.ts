/**
 * Billing periods (`YYYY-MM`, the month of the reading) and calendar dates (`YYYY-MM-DD`):
 * the one place that counts months and days, for the server (import checks, visible periods,
 * the business calendar, the demo data) and the app (history, charts). Dates are strings with
 * no time zone, so a date never shifts by a day the way a Date at local midnight does; which
 * date it is now in Tokyo is tokyo-time.ts's question.
 */

const periodPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** YYYY-MM with a month from 01 to 12. */
export function isPeriod(text: string): boolean {
  return periodPattern.test(text);
}

/** Months since year 0, so periods can be compared and shifted with plain arithmetic. */
export function monthIndex(period: string): number {
  const match = periodPattern.exec(period);
  if (!match) throw new RangeError(`a period is YYYY-MM (month 01–12), not "${period}"`);
  return Number(match[1]) * 12 + Number(match[2]) - 1;
}

/** The calendar year and month (1–12) of a month index. */
export function yearMonthAt(index: number): { year: number; month: number } {
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

const twoDigits = (value: number) => String(value).padStart(2, '0');

export function periodAt(index: number): string {
  const { year, month } = yearMonthAt(index);
  return `${year}-${twoDigits(month)}`;
}

export function shiftPeriod(period: string, months: number): string {
  return periodAt(monthIndex(period) + months);
}

/** The period a calendar date (YYYY-MM-DD) falls in. */
export function periodOfDate(date: string): string {
  return date.slice(0, 7);
}

/** The date as milliseconds at UTC midnight, or NaN when it is not a YYYY-MM-DD day that exists. */
function utcMidnight(date: string): number {
  const match = datePattern.exec(date);
  if (!match) return NaN;
  const time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  // Date.UTC rolls 2026-02-30 over into March (and years below 100 into the 1900s); writing it back catches both.
  return dateAtUtc(time) === date ? time : NaN;
}

function dateAtUtc(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function checkedMidnight(date: string): number {
  const time = utcMidnight(date);
  if (Number.isNaN(time)) throw new RangeError(`not a YYYY-MM-DD date that exists: "${date}"`);
  return time;
}

/** YYYY-MM-DD naming a day that exists: 2028-02-29 does, 2026-02-29 and 2026-04-31 do not. */
export function isRealDate(text: string): boolean {
  return !Number.isNaN(utcMidnight(text));
}

/** The given day of a period's month; refuses a day the month does not have. */
export function dateIn(period: string, day: number): string {
  return dateAtUtc(checkedMidnight(`${period}-${twoDigits(day)}`));
}

/** The last day of a period's month. */
export function lastDateOf(period: string): string {
  const { year, month } = yearMonthAt(monthIndex(period));
  // Day 0 of the next month is the last day of this one.
  return dateAtUtc(Date.UTC(year, month, 0));
}

/** The date `days` days after date (before it when negative). */
export function addDays(date: string, days: number): string {
  return dateAtUtc(checkedMidnight(date) + days * MS_PER_DAY);
}

/** 0 for Sunday to 6 for Saturday. */
export function weekdayOf(date: string): number {
  return new Date(checkedMidnight(date)).getUTCDay();
}
