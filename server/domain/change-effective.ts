import type { BusinessCalendar } from './calendar.js';

/**
 * The first day an approved holder or billing-address change applies in the billing system:
 * the next business day after staff approved it (the billing system must have the file
 * first, as with the paper slip), or the day the customer asked for if that is later. A
 * holder change asked for a day already past applies from that next business day.
 */
export function changeEffectiveOn(calendar: BusinessCalendar, approvedOn: string, askedFor: string | null): string {
  const earliest = calendar.nextBusinessDay(approvedOn);
  return askedFor !== null && askedFor > earliest ? askedFor : earliest;
}
