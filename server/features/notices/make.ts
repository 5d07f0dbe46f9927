import { sql, type SQL } from 'drizzle-orm';
import type { NoticeFacts, NoticeTopic } from '../../../src/lib/shared/notices.js';
import { selectRows, type Database } from '../../db/client.js';
import { utilityOf } from '../../db/in-utility.js';
import { notices, oncePerPeriodTopicList, oncePerPeriodTopics } from '../../db/schema.js';
import type { DueTransfer } from '../../domain/transfer-notices.js';
import { contractsSeeing } from '../contracts/period-window.js';
import { joinLinksOfContracts } from '../faucets/links.js';
import { queueDeliveries } from './deliveries.js';

/**
 * Joins the customers who may hear about a faucet's period: those linked to a contract of the
 * faucet whose window holds the period. A previous holder's account hears nothing of the new
 * holder's periods, and the new holder nothing of the old. Brings `c` (the contract) and `l`
 * (the link, l.customer_id).
 */
function audience(faucet: string, period: string): string {
  return `${contractsSeeing(faucet, period)} ${joinLinksOfContracts}`;
}

/** Notices of these topics are about one faucet's period. */
type PeriodTopic = Exclude<NoticeTopic, 'procedure'>;

/** The facts of a topic beside topic, faucet and period, each as the SQL expression that gives it. */
type FactExpressions<Topic extends PeriodTopic> = Record<
  Exclude<keyof Extract<NoticeFacts, { topic: Topic }>, 'topic' | 'faucetNo' | 'period'>,
  string
>;

interface PeriodNotices<Topic extends PeriodTopic> {
  topic: Topic;
  /** The rows the notices are about, aliased `s`, with s.utility_id, s.faucet_id and s.period. */
  from: SQL;
  facts: FactExpressions<Topic>;
  where: SQL;
  utility: string;
  now: Date;
}

/**
 * One statement that makes a notice for every row of `from` matching `where`, for every customer
 * who may see it, with its facts as NoticeFacts has them (src/lib/shared/notices.ts).
 */
export function insertPeriodNotices<Topic extends PeriodTopic>(notices: PeriodNotices<Topic>): SQL {
  const { topic, from, facts, where, utility, now } = notices;
  const factPairs = Object.entries<string>(facts).map(([key, expression]) => `, '${key}', ${expression}`);
  // A repeat of a once-per-period topic is skipped, not an error: the job and imports run again.
  const conflict = (oncePerPeriodTopics as readonly string[]).includes(topic)
    ? `on conflict (utility_id, customer_id, topic, faucet_id, period) where topic in ${oncePerPeriodTopicList} do nothing`
    : '';
  return sql`insert into notices (customer_id, faucet_id, topic, period, facts, created_at)
    select l.customer_id, s.faucet_id, ${topic}, s.period,
      jsonb_build_object('topic', ${topic}::text, 'faucetNo', f.faucet_no, 'period', s.period${sql.raw(factPairs.join(''))}),
      ${now.toISOString()}::timestamptz
    from ${from} join faucets f on f.utility_id = ${utility} and f.utility_id = s.utility_id and f.id = s.faucet_id ${sql.raw(audience('f', 's.period'))}
    where ${where}
    ${sql.raw(conflict)}`;
}

/**
 * Makes the customer's notice that a clerk moved their procedure on, and queues its
 * deliveries, in the caller's transaction: the notice stands or falls with the move.
 */
export async function makeProcedureNotice(
  tx: Database,
  notice: { customerId: number; faucetId: number | null; facts: Extract<NoticeFacts, { topic: 'procedure' }> },
  now: Date
): Promise<void> {
  await tx.insert(notices).values({ customerId: notice.customerId, faucetId: notice.faucetId, topic: 'procedure', facts: notice.facts, createdAt: now });
  await queueDeliveries(tx, now);
}

/**
 * Makes the 口座振替のお知らせ of the transfers due (server/domain/transfer-notices.ts) and
 * queues them, in one transaction: one per bill whose transfer date is among them, for the
 * customers linked to it, saying the day the debit really happens. Once per faucet and period
 * however often and in however many processes it runs (the notices_once_per_period index); a
 * bill already paid another way gets none. Returns how many notices it made.
 */
export async function makeNoticesOfTransfers(db: Database, due: DueTransfer[], now: Date): Promise<number> {
  const days = sql.join(
    due.map((transfer) => sql`(${transfer.transferDate}::date, ${transfer.debitDate}::date)`),
    sql`, `
  );
  return db.transaction(async (tx) => {
    const transferNotices = insertPeriodNotices({
      topic: 'transfer',
      from: sql`bills s join (values ${days}) due (transfer_date, debit_date) on due.transfer_date = s.transfer_date`,
      facts: { total: 's.total', transferDate: 'due.debit_date' },
      where: sql`s.utility_id = ${utilityOf(tx)} and not exists (select 1 from payments p where p.utility_id = s.utility_id and p.faucet_id = s.faucet_id and p.period = s.period and p.result = 'paid')`,
      utility: utilityOf(tx),
      now
    });
    const [made] = await selectRows<{ count: number }>(tx, sql`with made as (${transferNotices} returning 1) select count(*)::int as count from made`);
    await queueDeliveries(tx, now);
    return made!.count;
  });
}
