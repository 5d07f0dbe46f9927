import { formatDate } from './format';
import type { Localized } from './localized';
import { addDays, weekdayOf } from './periods';

/**
 * 使用開始・使用中止: the first or last day of use is at least the profile's lead of business days
 * ahead (the utility needs them to schedule the reading), and is itself a business day (the
 * reading is taken on it). The same rule on the device, from the profile's list of days the
 * office is closed, and on the server, from its business calendar.
 */
export type IsBusinessDay = (date: string) => boolean;

/** How far the device can tell business days from its stored copy of the profile. */
export const CLOSED_DAYS_AHEAD = 180;

/** The first day a move may be asked for when asked on `today`: `lead` business days after it. */
export function earliestMoveDay(today: string, lead: number, isBusinessDay: IsBusinessDay): string {
  let day = today;
  for (let counted = 0; counted < lead; ) {
    day = addDays(day, 1);
    if (isBusinessDay(day)) counted += 1;
  }
  return day;
}

/** Business days as a device tells them: not a weekend and not in the profile's list of other closed days. */
export function businessDaysFrom(closedDays: readonly string[]): IsBusinessDay {
  const closed = new Set(closedDays);
  return (date) => {
    const weekday = weekdayOf(date);
    return weekday !== 0 && weekday !== 6 && !closed.has(date);
  };
}

/** Null when a move may be asked for `day`; else why not, with the utility's phone for a sooner one. Days further ahead than the device can tell are asked for later. */
export function moveDayProblem(
  day: string,
  rule: { today: string; lead: number; isBusinessDay: IsBusinessDay; phone: string }
): Localized | null {
  const earliest = earliestMoveDay(rule.today, rule.lead, rule.isBusinessDay);
  if (day < earliest) {
    return {
      ja: `${formatDate(earliest, 'ja', { weekday: true })}以降の日を選んでください（お手続きに${rule.lead}営業日かかります）。お急ぎの場合はお電話で（${rule.phone}）`,
      en: `Choose ${formatDate(earliest, 'en', { weekday: true })} or later (it takes ${rule.lead} business days). If it is urgent, please call ${rule.phone}`
    };
  }
  const latest = addDays(rule.today, CLOSED_DAYS_AHEAD - 1);
  if (day > latest) {
    return {
      ja: `${formatDate(latest, 'ja')}までの日を選んでください。それより先のお引越しは、近くなってからお申し込みください`,
      en: `Choose a day up to ${formatDate(latest, 'en')}; for a later move, please apply nearer the time`
    };
  }
  if (!rule.isBusinessDay(day)) {
    return {
      ja: '土日・祝日・年末年始など窓口がお休みの日は選べません。前後の平日を選んでください',
      en: 'Choose a weekday the office is open (not a weekend, holiday or the New Year closing)'
    };
  }
  return null;
}
