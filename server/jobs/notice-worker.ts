import type { Agent } from 'node:https';
import { sql } from 'drizzle-orm';
import type { NoticeFacts } from '../../src/lib/shared/notices.js';
import { pushPayload } from '../../src/lib/shared/push-payload.js';
import type { Config } from '../config.js';
import { selectRows, type Database } from '../db/client.js';
import { errorKind, isDatabaseUnreachable } from '../db/errors.js';
import { planRetry } from '../domain/delivery-retry.js';
import { lanes } from '../domain/lanes.js';
import { isQuietTime } from '../domain/quiet-hours.js';
import type { Logger } from '../logger.js';
import { noticeDigestMail } from '../mail/messages.js';
import { MailDeliveryError, type Mailer } from '../mail/transport.js';
import { createPushSender, pushAgent, type PushSender } from '../push/send.js';
import { vapidKeys } from '../push/vapid.js';

/**
 * The notices outbox worker (ARCHITECTURE.md): claims due rows of notice_deliveries, sends
 * them by Web Push or e-mail, and records what happened. Every app process runs one; a row is
 * claimed by one statement that locks it with FOR UPDATE SKIP LOCKED and leases it, so two
 * processes never hold the same row, and a process that dies mid-send leaves a lease that
 * runs out, after which another claims the row again.
 */
export interface NoticeWorkerDeps {
  db: Database;
  config: Pick<Config, 'origin' | 'profile' | 'vapid' | 'pushServiceHosts'>;
  mailer: Mailer;
  logger: Logger;
  /**
   * The HTTPS agent pushes go through (pushAgent, whose lookup refuses private addresses); tests
   * pass one that trusts their own push service, or whose resolver points a name elsewhere.
   */
  pushAgent?: Agent;
}

export interface NoticeWorkerTuning {
  /** Rows one claim takes: pushes, or e-mail rows of up to this many customers (at most 40). */
  batch: number;
  /** Pushes in flight at once. */
  concurrency: number;
  /** How long a claim holds its rows: longer than a batch can take to send. */
  leaseMs: number;
  /** Pause between drains. */
  pollMs: number;
}

export const defaultTuning: NoticeWorkerTuning = { batch: 500, concurrency: 50, leaseMs: 5 * 60_000, pollMs: 3_000 };

/** Mail servers are few and slow to greet; a handful of mails at once is plenty. */
const MAIL_CONCURRENCY = 4;
/** Push outcomes recorded in one statement while a batch sends: at most this many go out twice after a kill, besides those in flight. */
const PUSHES_PER_RECORD = 50;

/** Customers one e-mail claim takes: few enough that their mails go out well within the lease. */
const MAIL_CUSTOMERS_PER_CLAIM = 40;

export interface DrainReport {
  sent: number;
  retried: number;
  failed: number;
  /** Push deliveries whose subscription the push service said was gone (deleted with it). */
  gone: number;
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
type Claim = { id: number; attempts: number };
type Settlement = Claim & ({ state: 'sent' } | { state: 'pending'; retryAt: Date; error: string } | { state: 'failed'; error: string });

const timestamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;

/** Due pending rows of one channel whose lease, if any, has run out; the inner query of every claim. */
function claimable(channel: 'push' | 'email', now: Date) {
  return sql`state = 'pending' and channel = ${channel} and due_at <= ${timestamp(now)}
    and (lease_until is null or lease_until < ${timestamp(now)})`;
}

function leaseSet(now: Date, leaseMs: number) {
  return sql`lease_until = ${timestamp(new Date(now.getTime() + leaseMs))}, attempts = attempts + 1`;
}

/** Claims up to `limit` due push deliveries, with what sending them needs. */
export async function claimPushDeliveries(db: Database, now: Date, limit: number, leaseMs: number): Promise<ClaimedPush[]> {
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
      where id in (
        select id from notice_deliveries where ${claimable('push', now)}
        order by due_at limit ${limit} for update skip locked)
      returning id, attempts, created_at, notice_id, customer_id, subscription_id),
    -- Counted once per customer, not once per delivery: a batch holds many of one customer's devices and notices.
    unread as (
      select customer_id, (select count(*) from notices n where n.customer_id = claimed_customers.customer_id and n.read_at is null)::int as unread
      from (select distinct customer_id from claimed) claimed_customers)
    select claimed.id, claimed.attempts, claimed.created_at, claimed.notice_id, notices.facts,
      claimed.subscription_id, s.endpoint, s.p256dh, s.auth, unread.unread
    from claimed join notices on notices.id = claimed.notice_id join push_subscriptions s on s.id = claimed.subscription_id
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
  const rows = await selectRows<{ id: number; attempts: number; created_at: Date | string; customer_id: number; email: string; facts: NoticeFacts }>(
    db,
    sql`with claimed as (
      update notice_deliveries set ${leaseSet(now, leaseMs)}
      where id in (
        select id from notice_deliveries where ${claimable('email', now)}
          and customer_id in (select customer_id from notice_deliveries where ${claimable('email', now)} order by due_at limit ${customers})
        for update skip locked)
      returning id, attempts, created_at, notice_id, customer_id)
    select claimed.id, claimed.attempts, claimed.created_at, claimed.customer_id, customers.email, notices.facts
    from claimed join notices on notices.id = claimed.notice_id join customers on customers.id = claimed.customer_id
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
async function settle(db: Database, now: Date, settlements: Settlement[]): Promise<void> {
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
    where d.id = v.id and d.attempts = v.attempts and d.state = 'pending'`);
}

function retryOrFail(row: Claim & { createdAt: Date }, now: Date, error: string): Settlement {
  const plan = planRetry(row.createdAt, row.attempts, now);
  const claim = { id: row.id, attempts: row.attempts };
  return 'expired' in plan ? { ...claim, state: 'failed', error } : { ...claim, state: 'pending', retryAt: plan.retryAt, error };
}

function groupByCustomer(rows: ClaimedMail[]): ClaimedMail[][] {
  const groups = new Map<number, ClaimedMail[]>();
  for (const row of rows) groups.set(row.customerId, [...(groups.get(row.customerId) ?? []), row]);
  return [...groups.values()];
}

function emptyReport(): DrainReport {
  return { sent: 0, retried: 0, failed: 0, gone: 0 };
}

function count(report: DrainReport, settlements: Settlement[]): void {
  for (const settlement of settlements) {
    if (settlement.state === 'sent') report.sent += 1;
    else if (settlement.state === 'pending') report.retried += 1;
    else report.failed += 1;
  }
}

interface Worker {
  /** Sends everything due by clock() until nothing is left or shouldStop() says so. */
  drain(clock: () => Date, shouldStop?: () => boolean): Promise<DrainReport>;
}

function noticeWorker(deps: NoticeWorkerDeps, tuning: NoticeWorkerTuning): Worker {
  const { db, config, mailer } = deps;
  /**
   * Outcomes of sends that went out while the database went away: recorded first thing once it
   * is back, within the lease, so those rows are not claimed and sent a second time.
   */
  const unrecorded: { now: Date; settlements: Settlement[] }[] = [];
  async function record(now: Date, settlements: Settlement[]): Promise<void> {
    try {
      await settle(db, now, settlements);
    } catch (error) {
      if (isDatabaseUnreachable(error)) unrecorded.push({ now, settlements });
      throw error;
    }
  }
  /**
   * Records a batch's outcomes while it is still sending, `every` at a time, one statement each:
   * a process killed mid-batch sends again, once its lease runs out, only what went out since
   * its last record, not the whole batch. finish() records the rest, throws what a record
   * threw, and answers every outcome added; sends go on meanwhile, and a record the database
   * could not take is held (above).
   */
  function recorder(now: Date, every: number) {
    const added: Settlement[] = [];
    let pending: Settlement[] = [];
    let recorded = Promise.resolve();
    let failure: { error: unknown } | undefined;
    const flush = () => {
      const chunk = pending;
      pending = [];
      if (chunk.length > 0) {
        recorded = recorded
          .then(() => record(now, chunk))
          .catch((error: unknown) => {
            failure ??= { error };
          });
      }
      return recorded;
    };
    return {
      add(settlements: Settlement[]) {
        added.push(...settlements);
        pending.push(...settlements);
        if (pending.length >= every) void flush();
      },
      async finish(): Promise<Settlement[]> {
        await flush();
        if (failure) throw failure.error;
        return added;
      }
    };
  }
  async function recordHeld(): Promise<void> {
    while (unrecorded.length > 0) {
      const { now, settlements } = unrecorded[0]!;
      await settle(db, now, settlements);
      unrecorded.shift();
    }
  }
  const contact = { section: config.profile.section, phone: config.profile.phone };
  let sender: Promise<PushSender> | undefined;
  const pushSender = () =>
    (sender ??= vapidKeys(db, config).then(
      (keys) => createPushSender(keys, config.pushServiceHosts, deps.pushAgent ?? pushAgent({ hosts: config.pushServiceHosts })),
      (error: unknown) => {
        // A database that failed once is asked again at the next drain.
        sender = undefined;
        throw error;
      }
    ));

  async function pushBatch(now: Date, report: DrainReport): Promise<boolean> {
    const claimed = await claimPushDeliveries(db, now, tuning.batch, tuning.leaseMs);
    if (claimed.length === 0) return false;
    const push = await pushSender();
    const outcomes = recorder(now, PUSHES_PER_RECORD);
    const gone: number[] = [];
    const sending = lanes(tuning.concurrency);
    const send = async (row: (typeof claimed)[number]) => {
      // Customers have no language setting yet: Japanese, as the utility writes to them.
      const result = await push.send(row, pushPayload({ id: row.noticeId, facts: row.facts }, { origin: config.origin, locale: 'ja', contact, unread: row.unread }));
      if (result.outcome === 'gone') {
        gone.push(row.subscriptionId);
        return;
      }
      const settlement: Settlement =
        result.outcome === 'sent'
          ? { id: row.id, attempts: row.attempts, state: 'sent' }
          : result.outcome === 'retry'
            ? retryOrFail(row, now, result.reason)
            : { id: row.id, attempts: row.attempts, state: 'failed', error: result.reason };
      outcomes.add([settlement]);
    };
    await Promise.all(claimed.map((row) => sending(() => send(row))));
    const settlements = await outcomes.finish();
    // The device unsubscribed: its subscription goes, and every delivery to it with it (cascade).
    if (gone.length > 0) {
      await db.execute(sql`delete from push_subscriptions where id in (select value::int from jsonb_array_elements_text(${JSON.stringify(gone)}::jsonb))`);
    }
    count(report, settlements);
    report.gone += gone.length;
    return true;
  }

  async function mailBatch(now: Date, report: DrainReport): Promise<boolean> {
    const claimed = await claimMailDeliveries(db, now, Math.min(tuning.batch, MAIL_CUSTOMERS_PER_CLAIM), tuning.leaseMs);
    if (claimed.length === 0) return false;
    // Each customer's mail recorded as soon as it went: a mail sent twice is one a person reads twice.
    const outcomes = recorder(now, 1);
    const mailing = lanes(MAIL_CONCURRENCY);
    const mail = async (rows: ClaimedMail[]) => {
      let settlements: Settlement[];
      try {
        await mailer.send(noticeDigestMail({ profile: config.profile, origin: config.origin }, { to: rows[0]!.email, notices: rows.map((row) => row.facts) }));
        settlements = rows.map((row) => ({ id: row.id, attempts: row.attempts, state: 'sent' }));
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // A 5xx reply refuses the address for good; anything else may pass later.
        const refused = error instanceof MailDeliveryError && (error.responseCode ?? 0) >= 500;
        settlements = rows.map((row) => (refused ? { id: row.id, attempts: row.attempts, state: 'failed', error: reason } : retryOrFail(row, now, reason)));
      }
      outcomes.add(settlements);
    };
    await Promise.all(groupByCustomer(claimed).map((rows) => mailing(() => mail(rows))));
    count(report, await outcomes.finish());
    return true;
  }

  return {
    async drain(clock, shouldStop = () => false) {
      const report = emptyReport();
      await recordHeld();
      let more = { push: true, mail: true };
      while ((more.push || more.mail) && !shouldStop()) {
        const now = clock();
        if (isQuietTime(now, config.profile.quietHours)) break;
        more = { push: more.push && (await pushBatch(now, report)), mail: more.mail && (await mailBatch(now, report)) };
      }
      return report;
    }
  };
}

/**
 * Sends everything due at `now` (nothing while `now` is in the quiet hours) and reports what
 * became of it. The loop of startNoticeWorker, once, for tests and the bench.
 */
export function runNoticeWorkerOnce(deps: NoticeWorkerDeps, now: Date, tuning: NoticeWorkerTuning = defaultTuning): Promise<DrainReport> {
  return noticeWorker(deps, tuning).drain(() => now);
}

export interface RunningNoticeWorker {
  /** Resolves once the drain under way has settled its batch, so the database can close after it. */
  stop(): Promise<void>;
  /**
   * Resolves after the next pass begun from now on that found nothing to send, or once the worker
   * is stopped: a test waits on it to show what the worker left alone, instead of waiting a while.
   */
  idle(): Promise<void>;
}

/** Drains the outbox now and every pollMs after the last drain ended. */
export function startNoticeWorker(deps: NoticeWorkerDeps, tuning: NoticeWorkerTuning = defaultTuning): RunningNoticeWorker {
  const worker = noticeWorker(deps, tuning);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let passesBegun = 0;
  const idleWaiters = new Set<{ afterPass: number; resolve: () => void }>();
  const tick = () => {
    const pass = (passesBegun += 1);
    running = worker
      .drain(() => new Date(), () => stopped)
      .then(
        (report) => {
          if (report.sent + report.retried + report.failed + report.gone > 0) {
            deps.logger.info(report, 'notices delivered');
            return;
          }
          // Said also to a server run as a child process, whose log is all a test can watch.
          deps.logger.debug('notices idle');
          for (const waiter of idleWaiters) {
            if (waiter.afterPass >= pass) continue;
            idleWaiters.delete(waiter);
            waiter.resolve();
          }
        },
        // The kind only: a failed statement's message holds its SQL.
        (error: unknown) => deps.logger.error(errorKind(error), 'notice delivery failed')
      )
      .finally(() => {
        if (stopped) return;
        timer = setTimeout(tick, tuning.pollMs);
        // The HTTP server keeps the process alive; a worker alone (a test, a command) must not.
        timer.unref();
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      for (const waiter of idleWaiters) waiter.resolve();
      idleWaiters.clear();
    },
    idle() {
      if (stopped) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.add({ afterPass: passesBegun, resolve }));
    }
  };
}
