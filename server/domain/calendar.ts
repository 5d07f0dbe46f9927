import holidayJp from '@holiday-jp/holiday_jp';
import { periodOfDate, shiftPeriod } from '../../src/lib/shared/periods.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';

/**
 * The utility's business calendar. Dates are Asia/Tokyo calendar dates written 'YYYY-MM-DD':
 * a string has no time zone, so a date can never shift by a day the way a Date at local
 * midnight does on a machine that is not set to Tokyo time.
 */
export interface BusinessCalendar {
  /** Not a Saturday or Sunday, not a national holiday, not one of the utility's closing days. */
  isBusinessDay(date: string): boolean;
  /** The first business day strictly after date. */
  nextBusinessDay(date: string): string;
  /** The date n business days after date; n = 0 gives date itself. */
  addBusinessDays(date: string, n: number): string;
}

const MS_PER_DAY = 86_400_000;
const SUNDAY = 0;
const SATURDAY = 6;

// The package's table ends with its last listed year; a date beyond it would silently look
// holiday-free, so such dates are refused instead.
const holidayYears = new Set(Object.keys(holidayJp.holidays).map((date) => date.slice(0, 4)));

function daysSinceEpoch(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const days = match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / MS_PER_DAY : NaN;
  // Date.UTC rolls 2026-02-30 over into March; formatting back catches that.
  if (Number.isNaN(days) || formatDays(days) !== date) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  if (!holidayYears.has(date.slice(0, 4))) throw new RangeError(`no national-holiday data for ${date}`);
  return days;
}

function formatDays(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

function isNationalHoliday(date: string): boolean {
  // isHoliday() would scan every key of the table on each call.
  return Object.hasOwn(holidayJp.holidays, date);
}

export function createBusinessCalendar(closingDays: readonly string[]): BusinessCalendar {
  const closedMonthDays = new Set(closingDays);

  function isBusinessDay(date: string): boolean {
    const weekday = new Date(daysSinceEpoch(date) * MS_PER_DAY).getUTCDay();
    if (weekday === SATURDAY || weekday === SUNDAY) return false;
    return !isNationalHoliday(date) && !closedMonthDays.has(date.slice(5));
  }

  function nextBusinessDay(date: string): string {
    let days = daysSinceEpoch(date);
    let candidate: string;
    do {
      days += 1;
      candidate = formatDays(days);
    } while (!isBusinessDay(candidate));
    return candidate;
  }

  function addBusinessDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`expected a whole number of days ≥ 0, got ${n}`);
    daysSinceEpoch(date); // refuses a malformed date even when n is 0
    let result = date;
    for (let step = 0; step < n; step += 1) result = nextBusinessDay(result);
    return result;
  }

  return { isBusinessDay, nextBusinessDay, addBusinessDays };
}

/** The month before the current one in Tokyo: the last one whose readings and bills are all out. */
export function lastCompleteMonth(now: Date): string {
  return shiftPeriod(periodOfDate(tokyoDate(now)), -1);
}
