import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import type { UtilityProfile } from '../config.js';
import type { Database } from '../db/client.js';
import { createBusinessCalendar } from '../domain/calendar.js';
import { transfersToAnnounce } from '../domain/transfer-notices.js';
import { makeNoticesOfTransfers } from '../features/notices/make.js';

const HOUR_MS = 3600_000;

/**
 * Makes today's 口座振替のお知らせ (Asia/Tokyo) and queues them: those of the bills whose debit is
 * due within the profile's days. Days missed while no server ran are caught up until the debit.
 * Returns how many notices it made.
 */
export async function makeTransferNotices(db: Database, profile: Pick<UtilityProfile, 'closingDays' | 'notices'>, now: Date): Promise<number> {
  const calendar = createBusinessCalendar(profile.closingDays);
  const due = transfersToAnnounce(calendar, tokyoDate(now), profile.notices.transferDaysBefore);
  // Days on which the bank debits nothing (the eve of 年末年始 with a one-day notice) have no notices.
  if (due.length === 0) return 0;
  return makeNoticesOfTransfers(db, due, now);
}

/**
 * Runs now and every hour rather than once a day, so that the day's notices are made within
 * an hour of midnight in Tokyo whenever the process started; a run that finds them made
 * makes nothing.
 */
export function scheduleTransferNotices(
  db: Database,
  profile: Pick<UtilityProfile, 'closingDays' | 'notices'>,
  onMade: (count: number) => void,
  onError: (error: unknown) => void
): () => void {
  const run = () => void makeTransferNotices(db, profile, new Date()).then(onMade, onError);
  run();
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
