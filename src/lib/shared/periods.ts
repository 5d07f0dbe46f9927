/**
 * Billing periods (`YYYY-MM`, the month of the reading) and calendar dates (`YYYY-MM-DD`):
 * the one place that counts months and days, for the server (import checks, visible periods,
 * the business calendar, the demo data) and the app (history, charts). Dates are strings with
 * no time zone, so a date never shifts by a day the way a Date at local midnight does; which
 * date it is now in Tokyo is tokyo-time.ts's question.
 */

const periodPattern = /^(\d{4})-(0[1-9]|1[0-2])$/;
const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

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

const isLeapYear = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
const monthLengths = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number) => (month === 2 && isLeapYear(year) ? 29 : monthLengths[month - 1]!);

interface Day {
  year: number;
  month: number;
  day: number;
}

function dayOfDate(date: string): Day | null {
  const match = datePattern.exec(date);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) ? { year, month, day } : null;
}

function checkedDay(date: string): Day {
  const day = dayOfDate(date);
  if (!day) throw new RangeError(`not a YYYY-MM-DD date that exists: "${date}"`);
  return day;
}

const dateOf = ({ year, month, day }: Day) => `${String(year).padStart(4, '0')}-${twoDigits(month)}-${twoDigits(day)}`;

/*
 * Days since 1970-01-01 and back, in whole numbers (Howard Hinnant's days_from_civil and
 * civil_from_days): the demo data steps hundreds of thousands of dates, and a Date for each
 * would cost more than the arithmetic. The year is counted from March, so a leap day ends it.
 */
function daysSinceEpoch({ year, month, day }: Day): number {
  const marchYear = month <= 2 ? year - 1 : year;
  const era = Math.floor(marchYear / 400);
  const yearOfEra = marchYear - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

function dayAt(days: number): Day {
  const shifted = days + 719_468;
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day: dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1 };
}

/** YYYY-MM-DD naming a day that exists: 2028-02-29 does, 2026-02-29 and 2026-04-31 do not. */
export function isRealDate(text: string): boolean {
  return dayOfDate(text) !== null;
}

/** The given day of a period's month; refuses a day the month does not have. */
export function dateIn(period: string, day: number): string {
  const { year, month } = yearMonthAt(monthIndex(period));
  if (!Number.isInteger(day) || day < 1 || day > daysInMonth(year, month)) throw new RangeError(`${period} has no day ${day}`);
  return dateOf({ year, month, day });
}

/** The last day of a period's month. */
export function lastDateOf(period: string): string {
  const { year, month } = yearMonthAt(monthIndex(period));
  return dateOf({ year, month, day: daysInMonth(year, month) });
}

/** The date `days` days after date (before it when negative). */
export function addDays(date: string, days: number): string {
  return dateOf(dayAt(daysSinceEpoch(checkedDay(date)) + days));
}

/** 0 for Sunday to 6 for Saturday. */
export function weekdayOf(date: string): number {
  // 1970-01-01 was a Thursday.
  return (((daysSinceEpoch(checkedDay(date)) + 4) % 7) + 7) % 7;
}
