import { describe, expect, it } from 'vitest';
import {
  addDays,
  dateIn,
  isPeriod,
  isRealDate,
  lastDateOf,
  monthIndex,
  periodAt,
  periodOfDate,
  shiftPeriod,
  weekdayOf,
  yearMonthAt
} from './periods';

describe('periods', () => {
  it('shift across year ends both ways', () => {
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('2025-12', 1)).toBe('2026-01');
    expect(shiftPeriod('2026-10', -12)).toBe('2025-10');
    expect(shiftPeriod('2026-10', 27)).toBe('2029-01');
    expect(periodAt(monthIndex('2024-02'))).toBe('2024-02');
    expect(monthIndex('2026-01') - monthIndex('2025-12')).toBe(1);
  });

  it('name the year and the month of a month index', () => {
    expect(yearMonthAt(monthIndex('2025-12'))).toEqual({ year: 2025, month: 12 });
    expect(yearMonthAt(monthIndex('2026-01'))).toEqual({ year: 2026, month: 1 });
  });

  it('refuse what is not a period, month 00 and 13 included', () => {
    for (const text of ['2026-1', '2026-00', '2026-13', '2026-10-01', ' 2026-10', '２０２６-10']) {
      expect(isPeriod(text), text).toBe(false);
      expect(() => monthIndex(text), text).toThrow(RangeError);
    }
    expect(isPeriod('2026-12')).toBe(true);
  });

  it('name the period a date falls in', () => {
    expect(periodOfDate('2026-12-31')).toBe('2026-12');
  });
});

describe('dates', () => {
  it('tell days that exist from days that do not', () => {
    for (const date of ['2026-02-28', '2028-02-29', '2000-02-29', '2026-12-31', '2026-04-30']) expect(isRealDate(date), date).toBe(true);
    for (const date of ['2026-02-29', '1900-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '2026-01-00', '2026-1-05', '20260105']) {
      expect(isRealDate(date), date).toBe(false);
    }
  });

  it('find the last day of a month, February of leap years included', () => {
    expect(lastDateOf('2026-02')).toBe('2026-02-28');
    expect(lastDateOf('2028-02')).toBe('2028-02-29');
    expect(lastDateOf('2026-04')).toBe('2026-04-30');
    expect(lastDateOf('2026-12')).toBe('2026-12-31');
  });

  it('write a day of a period, refusing one the month has not', () => {
    expect(dateIn('2026-03', 5)).toBe('2026-03-05');
    expect(dateIn('2026-03', 31)).toBe('2026-03-31');
    expect(() => dateIn('2026-02', 29)).toThrow(RangeError);
    expect(() => dateIn('2026-02', 0)).toThrow(RangeError);
  });

  it('add days across month, year and leap-day ends, both ways', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
    expect(addDays('2026-11-12', 40)).toBe('2026-12-22');
    expect(addDays('2026-11-12', 0)).toBe('2026-11-12');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });

  it('step every day from 1899 to 2101 as the UTC calendar does, weekday included', () => {
    const wrong: string[] = [];
    let date = '1899-01-01';
    for (let time = Date.UTC(1899, 0, 1); time < Date.UTC(2101, 0, 1); time += 86_400_000) {
      const utc = new Date(time);
      if (date !== utc.toISOString().slice(0, 10) || weekdayOf(date) !== utc.getUTCDay() || addDays(addDays(date, 400), -400) !== date) {
        wrong.push(`${date} ${utc.toISOString()}`);
      }
      date = addDays(date, 1);
    }
    expect(wrong).toEqual([]);
    expect(date).toBe('2101-01-01');
    expect(addDays('2026-12-02', 36_524)).toBe(new Date(Date.UTC(2026, 11, 2 + 36_524)).toISOString().slice(0, 10));
  });

  it('name the weekday, Sunday 0', () => {
    expect(weekdayOf('2026-11-01')).toBe(0);
    expect(weekdayOf('2026-11-07')).toBe(6);
    expect(weekdayOf('2026-12-02')).toBe(3);
    expect(() => weekdayOf('2026-11-31')).toThrow(RangeError);
  });
});
