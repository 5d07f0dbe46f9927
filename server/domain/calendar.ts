import holidayJp from '@holiday-jp/holiday_jp';
import { addDays, isRealDate, periodOfDate, shiftPeriod, weekdayOf } from '../../src/lib/shared/periods.js';
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

const SUNDAY = 0;
const SATURDAY = 6;

// The package's table ends with its last listed year; a date beyond it would silently look
// holiday-free, so such dates are refused instead.
const holidayYears = new Set(Object.keys(holidayJp.holidays).map((date) => date.slice(0, 4)));

function checked(date: string): string {
  if (!isRealDate(date)) throw new RangeError(`not a YYYY-MM-DD date: ${date}`);
  if (!holidayYears.has(date.slice(0, 4))) throw new RangeError(`no national-holiday data for ${date}`);
  return date;
}

function isNationalHoliday(date: string): boolean {
  // isHoliday() would scan every key of the table on each call.
  return Object.hasOwn(holidayJp.holidays, date);
}

export function createBusinessCalendar(closingDays: readonly string[]): BusinessCalendar {
  const closedMonthDays = new Set(closingDays);

  function isBusinessDay(date: string): boolean {
    const weekday = weekdayOf(checked(date));
    if (weekday === SATURDAY || weekday === SUNDAY) return false;
    return !isNationalHoliday(date) && !closedMonthDays.has(date.slice(5));
  }

  function nextBusinessDay(date: string): string {
    let candidate = checked(date);
    do candidate = addDays(candidate, 1);
    while (!isBusinessDay(candidate));
    return candidate;
  }

  function addBusinessDays(date: string, n: number): string {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`expected a whole number of days ≥ 0, got ${n}`);
    let result = checked(date); // refuses a malformed date even when n is 0
    for (let step = 0; step < n; step += 1) result = nextBusinessDay(result);
    return result;
  }

  return { isBusinessDay, nextBusinessDay, addBusinessDays };
}

/** The month before the current one in Tokyo: the last one whose readings and bills are all out. */
export function lastCompleteMonth(now: Date): string {
  return shiftPeriod(periodOfDate(tokyoDate(now)), -1);
}
