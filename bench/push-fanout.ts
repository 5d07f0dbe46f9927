import { sql } from 'drizzle-orm';
import webpush from 'web-push';
import { loadConfig } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { defaultTuning, runNoticeWorkerOnce } from '../server/jobs/notice-worker.js';
import { createLogger } from '../server/logger.js';
import { createMailer } from '../server/mail/transport.js';
import { pushAgent } from '../server/push/send.js';
import { vapidKeys } from '../server/push/vapid.js';
import { pushServiceCertificate, startPushService, type PushSubscriptionJson } from '../tests/integration/support/push-service.js';
import { freshDataDir } from '../tests/integration/support/server-process.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

const SUBSCRIPTIONS = 10_000;
const ROUNDS = 5;
const PER_ROUND = SUBSCRIPTIONS / ROUNDS;

/**
 * One notice to 10,000 devices, drained by the notices worker on PostgreSQL to a push service in
 * this process (which checks every VAPID token and decrypts every message), against a bare loop
 * of web-push calls to the same service with the same concurrency and agent settings in the
 * same run: the ratio is what claiming, building payloads and recording outcomes cost.
 */
export async function benchPushFanout(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<Record<string, Figure>> {
  const push = await startPushService();
  const target = await scratch();
  const database = await openDatabase({ databaseUrl: target.url });
  try {
    await migrate(database.db);
    const config = { ...loadConfig({ DATA_DIR: freshDataDir() }), origin: 'https://portal.example.jp' };
    const logger = createLogger('warn');

    progress(`${SUBSCRIPTIONS} subscriptions, each with one pending push delivery`);
    const devices: PushSubscriptionJson[] = Array.from({ length: SUBSCRIPTIONS }, () => push.subscribe());
    const now = new Date('2026-11-27T10:00:00+09:00');
    const facts = { topic: 'bill', faucetNo: '6000-0001', period: '2026-10', total: 6380, dueDate: null, transferDate: '2026-11-26', corrected: false };
    await database.db.execute(sql`insert into customers (email, nickname, password_hash, created_at)
      select 'c' || n || '@example.jp', 'bench', 'x', now() from generate_series(1, ${SUBSCRIPTIONS}) n`);
    await database.db.execute(sql`insert into push_subscriptions (customer_id, endpoint, p256dh, auth, created_at)
      select customers.id, d.endpoint, d.p256dh, d.auth, now()
      from jsonb_to_recordset(${JSON.stringify(devices.map((device, index) => ({ email: `c${index + 1}@example.jp`, endpoint: device.endpoint, ...device.keys })))}::jsonb)
        as d(email text, endpoint text, p256dh text, auth text)
      join customers using (email)`);
    await database.db.execute(sql`insert into notices (customer_id, topic, period, facts, created_at)
      select id, 'bill', '2026-10', ${JSON.stringify(facts)}::jsonb, ${now.toISOString()}::timestamptz from customers`);
    // Round k's deliveries fall due k minutes after the first: each drain takes one round's share.
    await database.db.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
      select notices.id, notices.customer_id, 'push', s.id, notices.created_at,
        notices.created_at + make_interval(mins => (notices.customer_id - 1) / ${PER_ROUND})
      from notices join push_subscriptions s using (customer_id)`);

    const vapid = await vapidKeys(database.db, config);
    const concurrency = defaultTuning.concurrency;
    const rawAgent = pushAgent({ ca: pushServiceCertificate });
    const workerAgent = pushAgent({ ca: pushServiceCertificate });
    const deps = { db: database.db, config, logger, mailer: createMailer(config, logger), pushAgent: workerAgent };
    const payload = JSON.stringify({ web_push: 8030, notification: { title: '料金のお知らせ', body: 'x'.repeat(120), navigate: `${config.origin}/history`, lang: 'ja', tag: 'notice-1', app_badge: 1 } });
    const options = { vapidDetails: vapid, TTL: 86_400, urgency: 'normal' as const, contentEncoding: 'aes128gcm' as const, timeout: 15_000, agent: rawAgent };

    // The two alternate round by round, so a neighbour's load on this shared machine falls on both alike.
    let rawMs = 0;
    let workerMs = 0;
    let sent = 0;
    for (let lap = 0; lap < ROUNDS; lap += 1) {
      progress(`round ${lap + 1} of ${ROUNDS}: ${PER_ROUND} messages by a bare web-push loop, then ${PER_ROUND} deliveries by the worker (${concurrency} in flight)`);
      const slice = devices.slice(lap * PER_ROUND, (lap + 1) * PER_ROUND);
      const bareLoop = async () => {
        let next = 0;
        const started = performance.now();
        await Promise.all(
          Array.from({ length: concurrency }, async () => {
            while (next < slice.length) await webpush.sendNotification(slice[next++]!, payload, options);
          })
        );
        rawMs += performance.now() - started;
      };
      const worker = async () => {
        const started = performance.now();
        sent += (await runNoticeWorkerOnce(deps, new Date(now.getTime() + lap * 60_000))).sent;
        workerMs += performance.now() - started;
      };
      // Each goes first in every other round: the first of a pair meets a different heap and warm-up.
      for (const run of lap % 2 === 0 ? [bareLoop, worker] : [worker, bareLoop]) await run();
    }
    rawAgent.destroy();
    workerAgent.destroy();
    if (sent !== SUBSCRIPTIONS || push.received.length !== 2 * SUBSCRIPTIONS || push.refused.length > 0) {
      throw new Error(`the worker sent ${sent} of ${SUBSCRIPTIONS}; the push service took ${push.received.length} of ${2 * SUBSCRIPTIONS} and refused ${push.refused.length}`);
    }
    const rawPerSecond = SUBSCRIPTIONS / (rawMs / 1000);
    const workerPerSecond = SUBSCRIPTIONS / (workerMs / 1000);
    progress(`bare loop ${Math.round(rawPerSecond)} messages/s, worker ${Math.round(workerPerSecond)} deliveries/s`);
    return {
      push_fanout_per_s: againstBaseline(workerPerSecond, 'deliveries/s', rawPerSecond, SUBSCRIPTIONS),
      raw_webpush_per_s: { value: round(rawPerSecond), unit: 'messages/s', n: SUBSCRIPTIONS }
    };
  } finally {
    await database.close();
    await target.drop();
    await push.stop();
  }
}
