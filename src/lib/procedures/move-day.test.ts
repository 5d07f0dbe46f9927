import { describe, expect, it } from 'vitest';
import type { PublicProfile } from '$lib/shared/profile';
import { moveDayRule } from './move-day';

/** The parts of a stored profile the rule reads: the phone and the moves (年末年始 closed on its weekdays). */
const profile = {
  phone: '01654-3-2111',
  moves: { leadBusinessDays: 3, closedDays: ['2026-12-29', '2026-12-30', '2026-12-31', '2027-01-01'] }
} as PublicProfile;

/** Noon in Tokyo on a day. */
const noonIn = (day: string) => new Date(`${day}T12:00:00+09:00`).getTime();

describe('moveDayRule', () => {
  it('counts the lead in the days the office is open, over the New Year closing', () => {
    const rule = moveDayRule(profile, noonIn('2026-12-25'))!;
    // 28 Dec (Mon) is the first; 29 Dec – 3 Jan are closed or a weekend; 4 and 5 Jan follow.
    expect(rule.earliest).toBe('2027-01-05');
    expect(rule.problem('2027-01-05')).toBeNull();
  });

  it('refuses a day too soon with the phone for an urgent move, and a day the office is closed', () => {
    const rule = moveDayRule(profile, noonIn('2026-12-25'))!;
    expect(rule.problem('2027-01-04')?.ja).toContain('お急ぎの場合はお電話で（01654-3-2111）');
    expect(rule.problem('2027-01-04')?.en).toContain('please call 01654-3-2111');
    expect(rule.problem('2027-01-09')?.ja).toContain('窓口がお休みの日は選べません');
  });

  it('takes today in Tokyo, not in the device’s own zone', () => {
    // 23:30 UTC on 24 Dec is already the 25th in Tokyo.
    expect(moveDayRule(profile, Date.UTC(2026, 11, 24, 23, 30))!.earliest).toBe('2027-01-05');
  });

  it('leaves the day to the server where the stored profile has no moves yet', () => {
    expect(moveDayRule({ ...profile, moves: undefined }, noonIn('2026-12-25'))).toBeNull();
    expect(moveDayRule(undefined, noonIn('2026-12-25'))).toBeNull();
  });
});
