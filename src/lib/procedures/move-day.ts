import type { Localized } from '$lib/shared/localized';
import { businessDaysFrom, earliestMoveDay, moveDayProblem } from '$lib/shared/moves';
import type { PublicProfile } from '$lib/shared/profile';
import { tokyoDate } from '$lib/shared/tokyo-time';

export interface MoveDayRule {
  /** The first day a move may be asked for, for the field's hint. */
  earliest: string;
  /** Null when the day may be asked for; else why not, with the utility's phone for a sooner one. */
  problem(day: string): Localized | null;
}

/**
 * 使用開始・使用中止's lead-day rule on the device, from its stored profile, so a day too soon is
 * refused next to its field before anything is queued, also offline. Null with a profile stored
 * before moves came: the server checks the day again either way.
 */
export function moveDayRule(profile: PublicProfile | undefined, now: number): MoveDayRule | null {
  if (!profile?.moves) return null;
  const today = tokyoDate(now);
  const lead = profile.moves.leadBusinessDays;
  const isBusinessDay = businessDaysFrom(profile.moves.closedDays);
  return {
    earliest: earliestMoveDay(today, lead, isBusinessDay),
    problem: (day) => moveDayProblem(day, { today, lead, isBusinessDay, phone: profile.phone })
  };
}
