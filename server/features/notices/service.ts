import { sql, type SQL } from 'drizzle-orm';
import type { NoticeFacts, NoticeTopic } from '../../../src/lib/shared/notices.js';
import type { Database } from '../../db/client.js';
import { CURRENT_TRANSACTION_VERSION, oncePerPeriodTopicList, oncePerPeriodTopics } from '../../db/schema.js';

/**
 * The first period a contract's holder sees, as server/domain/visibility.ts firstVisiblePeriod
 * has it: the start month when the contract starts on the 1st, else the month after.
 */
const firstVisiblePeriod = (contractStart: string) =>
  `case when extract(day from ${contractStart}) = 1 then to_char(${contractStart}, 'YYYY-MM')
     else to_char(${contractStart} + interval '1 month', 'YYYY-MM') end`;

/** The last, as lastVisiblePeriod: the month the contract ended in, none while it runs. */
const lastVisiblePeriod = (contractEnd: string) => `to_char(${contractEnd}, 'YYYY-MM')`;

/** Whether contract `c`'s holder may see the period: the window the sync shows them (server/domain/visibility.ts). */
export function inWindow(period: string): string {
  return `${period} >= ${firstVisiblePeriod('c.contract_start')}
    and (c.contract_end is null or ${period} <= ${lastVisiblePeriod('c.contract_end')})`;
}

/**
 * Joins the customers who may hear about a faucet's period: those linked to a contract of the
 * faucet whose window holds the period. A previous holder's account hears nothing of the new
 * holder's periods, and the new holder nothing of the old. Brings `c` (the contract) and `l`
 * (the link, l.customer_id).
 */
function audience(faucetId: string, period: string): string {
  return `join contracts c on c.faucet_id = ${faucetId}
    join faucet_links l on l.contract_id = c.id and ${inWindow(period)}`;
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
  /** The rows the notices are about, aliased `s`, with s.faucet_id and s.period. */
  from: SQL;
  facts: FactExpressions<Topic>;
  where: SQL;
  now: Date;
}

/**
 * One statement that makes a notice for every row of `from` matching `where`, for every customer
 * who may see it, with its facts as NoticeFacts has them (src/lib/shared/notices.ts).
 */
export function insertPeriodNotices<Topic extends PeriodTopic>(notices: PeriodNotices<Topic>): SQL {
  const { topic, from, facts, where, now } = notices;
  const factPairs = Object.entries<string>(facts).map(([key, expression]) => `, '${key}', ${expression}`);
  // A repeat of a once-per-period topic is skipped, not an error: the job and imports run again.
  const conflict = (oncePerPeriodTopics as readonly string[]).includes(topic)
    ? `on conflict (customer_id, topic, faucet_id, period) where topic in ${oncePerPeriodTopicList} do nothing`
    : '';
  return sql`insert into notices (customer_id, faucet_id, topic, period, facts, created_at)
    select l.customer_id, s.faucet_id, ${topic}, s.period,
      jsonb_build_object('topic', ${topic}::text, 'faucetNo', f.faucet_no, 'period', s.period${sql.raw(factPairs.join(''))}),
      ${now.toISOString()}::timestamptz
    from ${from} join faucets f on f.id = s.faucet_id ${sql.raw(audience('s.faucet_id', 's.period'))}
    where ${where}
    ${sql.raw(conflict)}`;
}

/**
 * Queues the notices made in the current transaction for delivery, in the same transaction:
 * an e-mail for each, and a push to each of the customer's devices, on the channels the
 * customer allows for the notice's topic (no choice made means both). A push goes only to a
 * device whose session is still live at `now`: an expired one waits up to an hour for the
 * prune job to take its subscription. A second call queues nothing twice (notice_deliveries_once).
 */
export async function queueDeliveries(tx: Database, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const madeNow = sql.raw(`n.version = ${CURRENT_TRANSACTION_VERSION}`);
  await tx.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
    select n.id, n.customer_id, 'email', null, ${at}, ${at}
    from notices n left join notice_preferences p on p.customer_id = n.customer_id and p.topic = n.topic
    where ${madeNow} and coalesce(p.email, true)
    union all
    select n.id, n.customer_id, 'push', s.id, ${at}, ${at}
    from notices n join push_subscriptions s on s.customer_id = n.customer_id
      join sessions live on live.token_hash = s.session_token_hash and live.expires_at > ${at}
      left join notice_preferences p on p.customer_id = n.customer_id and p.topic = n.topic
    where ${madeNow} and coalesce(p.push, true)
    on conflict do nothing`);
}
