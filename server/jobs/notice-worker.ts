import type { Agent } from 'node:https';
import { pushPayload } from '../../src/lib/shared/push-payload.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import { errorKind, isDatabaseUnreachable } from '../db/errors.js';
import { planRetry } from '../domain/delivery-retry.js';
import { lanes } from '../limits/lanes.js';
import { isQuietTime } from '../domain/quiet-hours.js';
import {
  claimMailDeliveries,
  claimPushDeliveries,
  dropGoneSubscriptions,
  settleDeliveries,
  type Claim,
  type ClaimedMail,
  type Settlement
} from '../features/notices/deliveries.js';
import type { Logger } from '../log/logger.js';
import { noticeDigestMail } from '../mail/messages.js';
import { MailDeliveryError, type Mailer } from '../mail/transport.js';
import { createPushSender, type PushSender } from '../push/send.js';
import { createThreadedPushSender } from '../push/send-threads.js';
import { vapidKeys } from '../push/vapid.js';

/**
 * The notices outbox worker (ARCHITECTURE.md): the loop that claims due deliveries, sends
 * them by Web Push or e-mail, and records what happened, with how often, how many at once and
 * how to stop. Every app process runs one; the claims and their leases, which keep two
 * processes from holding the same row, are the notices feature's (features/notices/deliveries.ts).
 */
export interface NoticeWorkerDeps {
  db: Database;
  config: Pick<Config, 'origin' | 'profile' | 'vapid' | 'pushServiceHosts'>;
  mailer: Mailer;
  logger: Logger;
  /**
   * Sends pushes on this thread through this HTTPS agent (pushAgent, whose lookup refuses
   * private addresses) instead of on the sending threads: tests pass one whose resolver points a
   * name elsewhere, benches one that counts its connections.
   */
  pushAgent?: Agent;
  /** A push service certificate the sending threads trust besides the system's: a test's own push service. */
  pushServiceCa?: string;
  /** How many sending threads at most (send-threads.ts's default): the workers of several utilities share the cores. */
  pushThreads?: number;
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

/**
 * 200 in flight: a sending thread keeps at most 64 connections to a push service, so the rest
 * wait in the thread, and a main thread busy with a bill day's pulls does not leave it idle (with
 * 50, each answer had to come back through the main thread before the next push went out).
 * Claims of 500: a push service that hangs holds a batch for at most 8 rounds of 64 connections ×
 * the 15 s timeout (120 s), well inside the 5-minute lease.
 */
export const defaultTuning: NoticeWorkerTuning = { batch: 500, concurrency: 200, leaseMs: 5 * 60_000, pollMs: 3_000 };

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
  /** Readies the push sender (its threads, the VAPID keys) before anything is due; a failure is left to the first drain. */
  prepare(): void;
  /** Sends everything due by clock() until nothing is left or shouldStop() says so. */
  drain(clock: () => Date, shouldStop?: () => boolean): Promise<DrainReport>;
  /** Stops the sending threads, if any were started; a drain afterwards starts them again. */
  close(): Promise<void>;
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
      await settleDeliveries(db, now, settlements);
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
      await settleDeliveries(db, now, settlements);
      unrecorded.shift();
    }
  }
  const contact = { section: config.profile.section, phone: config.profile.phone };
  let sender: Promise<PushSender & { close?(): Promise<void> }> | undefined;
  const pushSender = () =>
    (sender ??= vapidKeys(db, config).then(
      (keys) =>
        deps.pushAgent
          ? createPushSender(keys, config.pushServiceHosts, deps.pushAgent)
          : createThreadedPushSender(keys, config.pushServiceHosts, { threads: deps.pushThreads, ...(deps.pushServiceCa ? { ca: deps.pushServiceCa } : {}) }),
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
    await dropGoneSubscriptions(db, gone);
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
    prepare() {
      pushSender().catch(() => {});
    },
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
    },
    async close() {
      const started = sender;
      sender = undefined;
      await (await started?.catch(() => undefined))?.close?.();
    }
  };
}

/**
 * Sends everything due at `now` (nothing while `now` is in the quiet hours) and reports what
 * became of it. The loop of startNoticeWorker, once, for tests and the bench.
 */
export async function runNoticeWorkerOnce(deps: NoticeWorkerDeps, now: Date, tuning: NoticeWorkerTuning = defaultTuning): Promise<DrainReport> {
  const worker = noticeWorker(deps, tuning);
  try {
    return await worker.drain(() => now);
  } finally {
    await worker.close();
  }
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
  // An app process sends on bill day whatever the hour it started: its sending threads are ready before.
  worker.prepare();
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
      await worker.close();
      for (const waiter of idleWaiters) waiter.resolve();
      idleWaiters.clear();
    },
    idle() {
      if (stopped) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.add({ afterPass: passesBegun, resolve }));
    }
  };
}
