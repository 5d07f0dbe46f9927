import { sql, type SQL } from 'drizzle-orm';
import type { UtilityProfile } from '../../config.js';
import { CURRENT_TRANSACTION_VERSION } from '../../db/schema.js';
import { inWindow } from '../contracts/period-window.js';
import { insertPeriodNotices } from './make.js';

type PeriodKind = 'readings' | 'bills' | 'payments';

/**
 * The notices an import's upsert makes, written as a data-modifying CTE of the upsert itself:
 * `differing` holds the rows the upsert inserts or really changes (the new row and whether it
 * is inserted), so a re-import, which changes none, makes none. A corrected reading is no
 * news; a corrected bill is one 訂正 notice. The CTE reads the payments table as it was before
 * the statement (one snapshot for the whole statement), which tells a payment that has just
 * failed from a failed one whose amount was corrected.
 */
export function noticesOfUpsert(kind: PeriodKind, utility: string, now: Date): SQL {
  const differing = sql`differing s`;
  switch (kind) {
    case 'readings':
      return insertPeriodNotices({
        topic: 'reading',
        from: differing,
        facts: { readingDate: 's.reading_date', usageTenths: 's.usage_tenths' },
        where: sql`s.inserted`,
        utility,
        now
      });
    case 'bills':
      return insertPeriodNotices({
        topic: 'bill',
        from: differing,
        facts: { total: 's.total', dueDate: 's.due_date', transferDate: 's.transfer_date', corrected: 'not s.inserted' },
        where: sql`true`,
        utility,
        now
      });
    case 'payments':
      return insertPeriodNotices({
        topic: 'transfer-failed',
        from: sql`differing s left join payments stored on stored.utility_id = s.utility_id and stored.faucet_id = s.faucet_id and stored.period = s.period`,
        facts: { amount: 's.amount' },
        where: sql`s.result = 'failed' and stored.result is distinct from 'failed'`,
        utility,
        now
      });
  }
}

/**
 * Days a reading covers: since the faucet's previous reading, or, for its first one, until the
 * next reading the billing system announced. Null when neither is known.
 */
const daysCovered = (reading: string) => `coalesce(
    ${reading}.reading_date - (select p.reading_date from readings p
      where p.utility_id = ${reading}.utility_id and p.faucet_id = ${reading}.faucet_id and p.period < ${reading}.period order by p.period desc limit 1),
    ${reading}.next_reading_date - ${reading}.reading_date)`;

/**
 * 使用量のお知らせ for the readings this transaction wrote: usage per day at least `ratio` times
 * the same period a year earlier, and at least `minExtraM3` more than that year's usage scaled
 * to this reading's days (when either span is unknown the two are compared as they stand).
 * Comparing with the same season keeps winter's running taps (凍結防止) from looking like a
 * leak. The year before must be in the holder's own window: a previous tenant's usage is
 * neither compared with nor shown. Once per faucet and period.
 */
export function usageAlerts(utility: string, now: Date, rule: UtilityProfile['notices']['usageAlert']): SQL {
  return insertPeriodNotices({
    topic: 'usage-alert',
    from: sql.raw(`readings s
      join readings year_before on year_before.utility_id = s.utility_id and year_before.faucet_id = s.faucet_id
        and year_before.period = to_char(to_date(s.period, 'YYYY-MM') - interval '1 year', 'YYYY-MM')
      cross join lateral (
        select year_before.usage_tenths * coalesce(${daysCovered('s')}::numeric / nullif(${daysCovered('year_before')}, 0), 1) as tenths
      ) year_before_scaled`),
    facts: { usageTenths: 's.usage_tenths', lastYearUsageTenths: 'year_before.usage_tenths' },
    where: sql`${sql.raw(`s.version = ${CURRENT_TRANSACTION_VERSION} and ${inWindow('year_before.period')}`)}
      and s.usage_tenths >= ${rule.ratio}::numeric * year_before_scaled.tenths
      and s.usage_tenths - year_before_scaled.tenths >= ${rule.minExtraM3 * 10}::numeric`,
    utility,
    now
  });
}
