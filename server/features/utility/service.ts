import type { UtilityProfile } from '../../config.js';
import { CLOSED_DAYS_AHEAD } from '../../../src/lib/shared/moves.js';
import { addDays, weekdayOf } from '../../../src/lib/shared/periods.js';
import type { PublicProfile } from '../../../src/lib/shared/profile.js';
import { createBusinessCalendar } from '../../domain/calendar.js';

/** Weekdays the office is closed from `today` on: the device tells business days by them (moves.ts). */
function closedWeekdays(profile: UtilityProfile, today: string): string[] {
  const calendar = createBusinessCalendar(profile.closingDays);
  const closed: string[] = [];
  for (let offset = 0; offset < CLOSED_DAYS_AHEAD; offset += 1) {
    const day = addDays(today, offset);
    const weekday = weekdayOf(day);
    if (weekday !== 0 && weekday !== 6 && !calendar.isBusinessDay(day)) closed.push(day);
  }
  return closed;
}

/** What any visitor may see of the utility's configuration (nothing operational). */
export function publicProfile(profile: UtilityProfile, today: string): PublicProfile {
  return {
    id: profile.id,
    name: profile.name,
    section: profile.section,
    phone: profile.phone,
    hours: profile.hours,
    mailFrom: profile.mailFrom,
    faucetNumberExample: profile.faucetNumber.example,
    tariff: profile.tariff,
    ...(profile.tariffDistricts ? { tariffDistricts: profile.tariffDistricts } : {}),
    readingCycles: profile.readingCycles,
    ...(profile.area ? { area: profile.area } : {}),
    ...(profile.invoice ? { invoice: profile.invoice } : {}),
    moves: { leadBusinessDays: profile.moves.leadBusinessDays, closedDays: closedWeekdays(profile, today) }
  };
}
