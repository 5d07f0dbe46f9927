import { sql } from 'drizzle-orm';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import type { UtilityProfile } from '../config.js';
import { selectRows, type Database } from '../db/client.js';
import { createBusinessCalendar } from '../domain/calendar.js';
import { transfersToAnnounce } from '../domain/transfer-notices.js';
import { insertPeriodNotices, queueDeliveries } from '../features/notices/service.js';

const HOUR_MS = 3600_000;

/**
 * Makes today's 口座振替のお知らせ (Asia/Tokyo) and queues them, in one transaction: one per
 * bill whose debit is due within the profile's days, for the customers linked to it, saying the
 * day the debit really happens. Days missed while no server ran are caught up until the debit.
 * Once per faucet and period however often and in however many processes it runs (the
 * notices_once_per_period index); a bill already paid another way gets none. Returns how many
 * notices it made.
 */
export async function makeTransferNotices(db: Database, profile: Pick<UtilityProfile, 'closingDays' | 'notices'>, now: Date): Promise<number> {
  const calendar = createBusinessCalendar(profile.closingDays);
  const due = transfersToAnnounce(calendar, tokyoDate(now), profile.notices.transferDaysBefore);
  // Days on which the bank debits nothing (the eve of 年末年始 with a one-day notice) have no notices.
  if (due.length === 0) return 0;
  const days = sql.join(
    due.map((transfer) => sql`(${transfer.transferDate}::date, ${transfer.debitDate}::date)`),
    sql`, `
  );
  return db.transaction(async (tx) => {
    const notices = insertPeriodNotices({
      topic: 'transfer',
      from: sql`bills s join (values ${days}) due (transfer_date, debit_date) on due.transfer_date = s.transfer_date`,
      facts: { total: 's.total', transferDate: 'due.debit_date' },
      where: sql`not exists (select 1 from payments p where p.faucet_id = s.faucet_id and p.period = s.period and p.result = 'paid')`,
      now
    });
    const [made] = await selectRows<{ count: number }>(tx, sql`with made as (${notices} returning 1) select count(*)::int as count from made`);
    await queueDeliveries(tx, now);
    return made!.count;
  });
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
