import { describe, expect, it } from 'vitest';
import { tokyoDate, tokyoTimestamp } from '../../src/lib/shared/tokyo-time.js';
import { createBusinessCalendar, lastCompleteMonth } from './calendar.js';

// The demo profile's 年末年始.
const newYearClosing = ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03'];
const calendar = createBusinessCalendar(newYearClosing);

describe('isBusinessDay', () => {
  it.each([
    ['2026-06-05', true, 'a plain Friday'],
    ['2026-06-06', false, 'Saturday'],
    ['2026-06-07', false, 'Sunday'],
    ['2026-04-29', false, 'Showa Day (Wednesday)'],
    ['2026-05-06', false, 'substitute holiday for Constitution Day, which fell on a Sunday'],
    ['2026-09-22', false, "citizens' holiday between Respect for the Aged Day and the equinox"],
    ['2026-12-28', true, 'the Monday before the closing days'],
    ['2026-12-29', false, 'a closing day on a Tuesday'],
    ['2027-01-04', true, 'the Monday after the closing days']
  ])('%s is %s: %s', (date, expected) => {
    expect(calendar.isBusinessDay(date)).toBe(expected);
  });

  it('takes the closing days from the profile, not from a built-in list', () => {
    expect(createBusinessCalendar([]).isBusinessDay('2026-12-29')).toBe(true);
    expect(createBusinessCalendar(['08-14']).isBusinessDay('2026-08-14')).toBe(false);
    expect(calendar.isBusinessDay('2026-08-14')).toBe(true);
  });

  it.each(['2026-2-3', '2026-02-30', '2026-13-01', '20260203', ''])('refuses the malformed date %j', (date) => {
    expect(() => calendar.isBusinessDay(date)).toThrow(RangeError);
  });

  it('refuses a year the holiday table does not cover rather than treat it as holiday-free', () => {
    expect(() => calendar.isBusinessDay('2099-06-01')).toThrow(/no national-holiday data/);
  });
});

describe('nextBusinessDay', () => {
  it.each([
    ['2026-06-05', '2026-06-08', 'Friday → Monday'],
    ['2026-12-28', '2027-01-04', 'across the New Year closing days 12-29 … 01-03'],
    ['2026-04-28', '2026-04-30', 'skips Showa Day'],
    ['2026-05-01', '2026-05-07', 'Golden Week: 5/2–5/3 weekend, 5/4–5/5 holidays, 5/6 substitute holiday'],
    ['2026-05-03', '2026-05-07', 'from a holiday that is itself not a business day'],
    ['2027-03-19', '2027-03-23', 'skips the substitute holiday for the Sunday equinox (2027-03-22)'],
    ['2026-09-18', '2026-09-24', 'Silver Week: weekend, 敬老の日, 国民の休日, 秋分の日']
  ])('%s → %s (%s)', (date, expected) => {
    expect(calendar.nextBusinessDay(date)).toBe(expected);
  });

  it('skips a closing day the day after', () => {
    const obon = createBusinessCalendar(['08-14']);
    expect(obon.nextBusinessDay('2026-08-13')).toBe('2026-08-17');
    expect(calendar.nextBusinessDay('2026-08-13')).toBe('2026-08-14');
  });
});

describe('addBusinessDays', () => {
  it('counts only business days', () => {
    expect(calendar.addBusinessDays('2026-12-25', 1)).toBe('2026-12-28');
    expect(calendar.addBusinessDays('2026-12-25', 2)).toBe('2027-01-04');
    expect(calendar.addBusinessDays('2026-12-25', 3)).toBe('2027-01-05');
  });

  it('gives the date itself for zero days, even a holiday', () => {
    expect(calendar.addBusinessDays('2026-05-05', 0)).toBe('2026-05-05');
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s days', (n) => {
    expect(() => calendar.addBusinessDays('2026-06-05', n)).toThrow(RangeError);
  });

  it('refuses a malformed date even for zero days', () => {
    expect(() => calendar.addBusinessDays('2026-06-31', 0)).toThrow(RangeError);
  });
});

describe('tokyoDate', () => {
  it('is already the next day in Tokyo at 15:00 UTC', () => {
    expect(tokyoDate(new Date('2026-12-31T14:59:59.999Z'))).toBe('2026-12-31');
    expect(tokyoDate(new Date('2026-12-31T15:00:00Z'))).toBe('2027-01-01');
    expect(tokyoDate(new Date('2026-06-05T15:30:00Z'))).toBe('2026-06-06');
  });
});

describe('tokyoTimestamp', () => {
  it('writes Tokyo wall-clock time with its +09:00 offset, to the second', () => {
    expect(tokyoTimestamp(new Date('2026-04-30T15:30:00.789Z'))).toBe('2026-05-01T00:30:00+09:00');
    expect(tokyoTimestamp(new Date('2026-06-05T03:04:05Z'))).toBe('2026-06-05T12:04:05+09:00');
  });

  it('names the same instant it was given', () => {
    const instant = new Date('2026-12-31T23:59:59Z');
    expect(new Date(tokyoTimestamp(instant)).getTime()).toBe(instant.getTime());
  });
});

describe('lastCompleteMonth', () => {
  it('is the month before the current one in Tokyo, across a year end and a Tokyo midnight', () => {
    expect(lastCompleteMonth(new Date('2026-11-25T03:00:00Z'))).toBe('2026-10');
    expect(lastCompleteMonth(new Date('2027-01-10T03:00:00Z'))).toBe('2026-12');
    // 31 Dec 16:00 UTC is already 1 Jan in Tokyo.
    expect(lastCompleteMonth(new Date('2026-12-31T16:00:00Z'))).toBe('2026-12');
    expect(lastCompleteMonth(new Date('2026-12-31T14:59:59Z'))).toBe('2026-11');
  });
});
