import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from './calendar.js';
import { businessDaysFrom, earliestMoveDay, moveDayProblem } from '../../src/lib/shared/moves.js';

// The demo utility's closing days: 年末年始.
const calendar = createBusinessCalendar(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);
const rule = (today: string) => ({ today, lead: 3, isBusinessDay: calendar.isBusinessDay, phone: '01654-3-2111' });

describe('the lead of business days before a move', () => {
  it('counts three business days over the New Year closing and its holidays', () => {
    // Fri 2026-12-25 → Mon 28 (1), then 29 Dec – 3 Jan closed, Mon 4 Jan (2), Tue 5 (3).
    expect(earliestMoveDay('2026-12-25', 3, calendar.isBusinessDay)).toBe('2027-01-05');
    // Asked on the closed 30 December: 4, 5, 6 January.
    expect(earliestMoveDay('2026-12-30', 3, calendar.isBusinessDay)).toBe('2027-01-06');
    // 2027-01-11 is 成人の日: Fri 8 → 12, 13, 14.
    expect(earliestMoveDay('2027-01-08', 3, calendar.isBusinessDay)).toBe('2027-01-14');
  });

  it('refuses a day too soon with the phone, a closed day, and one further ahead than the device can tell', () => {
    expect(moveDayProblem('2027-01-04', rule('2026-12-25'))?.ja).toMatch(/2027年1月5日（火）以降.*お急ぎの場合はお電話で（01654-3-2111）/);
    expect(moveDayProblem('2027-01-05', rule('2026-12-25'))).toBeNull();
    expect(moveDayProblem('2027-01-09', rule('2026-12-25'))?.ja).toMatch(/お休みの日は選べません/);
    expect(moveDayProblem('2027-01-11', rule('2026-12-25'))?.en).toMatch(/weekday the office is open/);
    expect(moveDayProblem('2027-06-30', rule('2026-12-25'))?.ja).toMatch(/2027年6月22日までの日/);
  });

  it('tells business days on the device as the server does, from the weekdays the profile lists as closed', () => {
    const closed: string[] = [];
    for (let day = '2026-12-01'; day < '2027-03-01'; day = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) {
      const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && !calendar.isBusinessDay(day)) closed.push(day);
    }
    const device = businessDaysFrom(closed);
    for (const today of ['2026-12-20', '2026-12-25', '2026-12-28', '2027-01-08', '2027-02-09']) {
      expect(earliestMoveDay(today, 3, device)).toBe(earliestMoveDay(today, 3, calendar.isBusinessDay));
    }
  });
});
