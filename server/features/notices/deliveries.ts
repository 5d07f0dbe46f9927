import { sql } from 'drizzle-orm';
import type { NoticeFacts } from '../../../src/lib/shared/notices.js';
import { selectRows, type Database } from '../../db/client.js';
import { utilityOf } from '../../db/in-utility.js';
import { CURRENT_TRANSACTION_VERSION } from '../../db/schema.js';

/**
 * The notices outbox, notice_deliveries (ARCHITECTURE.md): rows queued in the transaction that
 * makes their notices, claimed by one statement that locks them with FOR UPDATE SKIP LOCKED and
 * leases them, so two processes never hold the same row, and settled once sent. A process that
 * dies mid-send leaves a lease that runs out, after which another claims the row again. When
 * and how often to claim is the worker's (server/jobs/notice-worker.ts).
 */

/**
 * Queues the notices made in the current transaction for delivery, in the same transaction:
 * an e-mail for each, and a push to each of the customer's devices, on the channels the
 * customer allows for the notice's topic (no choice made means both). A push goes only to a
 * device whose session is still live at `now`: an expired one waits up to an hour for the
 * prune job to take its subscription. A second call queues nothing twice (notice_deliveries_once).
 */
export async function queueDeliveries(tx: Database, now: Date): Promise<void> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const madeNow = sql`n.utility_id = ${utilityOf(tx)} and ${sql.raw(`n.version = ${CURRENT_TRANSACTION_VERSION}`)}`;
  await tx.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
    select n.id, n.customer_id, 'email', null, ${at}, ${at}
    from notices n left join notice_preferences p on p.utility_id = n.utility_id and p.customer_id = n.customer_id and p.topic = n.topic
    where ${madeNow} and coalesce(p.email, true)
    union all
    select n.id, n.customer_id, 'push', s.id, ${at}, ${at}
    from notices n join push_subscriptions s on s.utility_id = n.utility_id and s.customer_id = n.customer_id
      join sessions live on live.utility_id = s.utility_id and live.token_hash = s.session_token_hash and live.expires_at > ${at}
      left join notice_preferences p on p.utility_id = n.utility_id and p.customer_id = n.customer_id and p.topic = n.topic
    where ${madeNow} and coalesce(p.push, true)
    on conflict do nothing`);
}

export interface ClaimedPush {
  id: number;
  attempts: number;
  createdAt: Date;
  noticeId: number;
  facts: NoticeFacts;
  subscriptionId: number;
  endpoint: string;
  p256dh: string;
  auth: string;
  unread: number;
}

export interface ClaimedMail {
  id: number;
  attempts: number;
  createdAt: Date;
  customerId: number;
  email: string;
  facts: NoticeFacts;
}

/**
 * What a claimed row came to: sent, to be tried again at retryAt, or given up. `attempts` is
 * the count the claim set: it tells this claim from a later one of the same row.
 */
export type Claim = { id: number; attempts: number };
export type Settlement = Claim & ({ state: 'sent' } | { state: 'pending'; retryAt: Date; error: string } | { state: 'failed'; error: string });

const timestamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** The utility's due pending rows of one channel whose lease, if any, has run out; the inner query of every claim. */
function claimable(db: Database, channel: 'push' | 'email', now: Date) {
  return sql`utility_id = ${utilityOf(db)} and state = 'pending' and channel = ${channel} and due_at <= ${timestamp(now)}
    and (lease_until is null or lease_until < ${timestamp(now)})`;
}

function leaseSet(now: Date, leaseMs: number) {
  return sql`lease_until = ${timestamp(new Date(now.getTime() + leaseMs))}, attempts = attempts + 1`;
}

/** Claims up to `limit` due push deliveries, with what sending them needs. */
export async function claimPushDeliveries(db: Database, now: Date, limit: number, leaseMs: number): Promise<ClaimedPush[]> {
  const utility = utilityOf(db);
  const rows = await selectRows<{
    id: number;
    attempts: number;
    created_at: Date | string;
    notice_id: number;
    facts: NoticeFacts;
    subscription_id: number;
    endpoint: string;
    p256dh: string;
    auth: string;
    unread: number;
  }>(
    db,
    sql`with claimed as (
      update notice_deliveries set ${leaseSet(now, leaseMs)}
      where utility_id = ${utility} and id in (
        select id from notice_deliveries where ${claimable(db, 'push', now)}
        order by due_at limit ${limit} for update skip locked)
      returning id, attempts, created_at, notice_id, customer_id, subscription_id),
    -- Counted once per customer, not once per delivery: a batch holds many of one customer's devices and notices.
    unread as (
      select customer_id, (select count(*) from notices n where n.utility_id = ${utility} and n.customer_id = claimed_customers.customer_id and n.read_at is null)::int as unread
      from (select distinct customer_id from claimed) claimed_customers)
    select claimed.id, claimed.attempts, claimed.created_at, claimed.notice_id, notices.facts,
      claimed.subscription_id, s.endpoint, s.p256dh, s.auth, unread.unread
    from claimed join notices on notices.utility_id = ${utility} and notices.id = claimed.notice_id
      join push_subscriptions s on s.utility_id = ${utility} and s.id = claimed.subscription_id
      join unread on unread.customer_id = claimed.customer_id`
  );
  return rows.map((row) => ({
    id: row.id,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    noticeId: row.notice_id,
    facts: row.facts,
    subscriptionId: row.subscription_id,
    endpoint: row.endpoint,
    p256dh: row.p256dh,
    auth: row.auth,
    unread: row.unread
  }));
}

/**
 * Claims every due e-mail delivery of up to `customers` customers, so each gets one mail
 * listing all their notices: an import that touched 20 faucets of one account is one mail.
 */
export async function claimMailDeliveries(db: Database, now: Date, customers: number, leaseMs: number): Promise<ClaimedMail[]> {
  const utility = utilityOf(db);
  const rows = await selectRows<{ id: number; attempts: number; created_at: Date | string; customer_id: number; email: string; facts: NoticeFacts }>(
    db,
    sql`with claimed as (
      update notice_deliveries set ${leaseSet(now, leaseMs)}
      where utility_id = ${utility} and id in (
        select id from notice_deliveries where ${claimable(db, 'email', now)}
          and customer_id in (select customer_id from notice_deliveries where ${claimable(db, 'email', now)} order by due_at limit ${customers})
        for update skip locked)
      returning id, attempts, created_at, notice_id, customer_id)
    select claimed.id, claimed.attempts, claimed.created_at, claimed.customer_id, customers.email, notices.facts
    from claimed join notices on notices.utility_id = ${utility} and notices.id = claimed.notice_id
      join customers on customers.utility_id = ${utility} and customers.id = claimed.customer_id
    order by claimed.customer_id, notices.created_at, notices.id`
  );
  return rows.map((row) => ({
    id: row.id,
    attempts: row.attempts,
    createdAt: new Date(row.created_at),
    customerId: row.customer_id,
    email: row.email,
    facts: row.facts
  }));
}

/**
 * Records how claimed rows ended, all in one statement, and lets go of their lease. A row
 * claimed again since (this worker outlived its lease) belongs to that claim and is left alone.
 */
export async function settleDeliveries(db: Database, now: Date, settlements: Settlement[]): Promise<void> {
  if (settlements.length === 0) return;
  const rows = settlements.map((settlement) => ({
    id: settlement.id,
    attempts: settlement.attempts,
    state: settlement.state,
    due_at: settlement.state === 'pending' ? settlement.retryAt.toISOString() : null,
    error: settlement.state === 'sent' ? null : settlement.error
  }));
  await db.execute(sql`update notice_deliveries d set
      state = v.state,
      sent_at = case when v.state = 'sent' then ${timestamp(now)} end,
      due_at = coalesce(v.due_at, d.due_at),
      lease_until = null,
      last_error = v.error
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(id int, attempts int, state text, due_at timestamptz, error text)
    where d.utility_id = ${utilityOf(db)} and d.id = v.id and d.attempts = v.attempts and d.state = 'pending'`);
}

/** The devices whose push service said they unsubscribed: each goes, and every delivery to it with it (cascade). */
export async function dropGoneSubscriptions(db: Database, subscriptionIds: number[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await db.execute(sql`delete from push_subscriptions where utility_id = ${utilityOf(db)} and id in (select value::int from jsonb_array_elements_text(${JSON.stringify(subscriptionIds)}::jsonb))`);
}

export interface DeliveryFigures {
  /** Members with at least one device taking push. */
  pushMembers: number;
  /** Deliveries made since the time asked about, by channel and state. */
  deliveries: { channel: 'push' | 'email'; sent: number; failed: number; pending: number }[];
}

/** How notices reach members, for the staff console's overview; in the caller's snapshot. */
export async function deliveryFigures(tx: Database, since: Date): Promise<DeliveryFigures> {
  const [members] = await selectRows<Pick<DeliveryFigures, 'pushMembers'>>(
    tx,
    sql`select count(distinct customer_id)::int as "pushMembers" from push_subscriptions where utility_id = ${utilityOf(tx)}`
  );
  const deliveries = await selectRows<DeliveryFigures['deliveries'][number]>(
    tx,
    sql`select channel,
        (count(*) filter (where state = 'sent'))::int as "sent",
        (count(*) filter (where state = 'failed'))::int as "failed",
        (count(*) filter (where state = 'pending'))::int as "pending"
      from notice_deliveries where utility_id = ${utilityOf(tx)} and created_at >= ${timestamp(since)}
      group by channel order by channel`
  );
  return { pushMembers: members!.pushMembers, deliveries };
}
