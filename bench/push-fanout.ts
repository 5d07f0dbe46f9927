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

/** Prints how many messages the push service has taken every 10 s until stopped. */
function reportArrivals(received: { length: number }, from: number): () => void {
  const timer = setInterval(() => progress(`  ${received.length - from} of ${SUBSCRIPTIONS} arrived`), 10_000);
  return () => clearInterval(timer);
}

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
    await database.db.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
      select notices.id, notices.customer_id, 'push', s.id, notices.created_at, notices.created_at
      from notices join push_subscriptions s using (customer_id)`);

    const vapid = await vapidKeys(database.db, config);
    const concurrency = defaultTuning.concurrency;

    progress(`bare web-push loop: ${SUBSCRIPTIONS} messages, ${concurrency} in flight`);
    const rawAgent = pushAgent({ ca: pushServiceCertificate });
    const payload = JSON.stringify({ web_push: 8030, notification: { title: '料金のお知らせ', body: 'x'.repeat(120), navigate: `${config.origin}/history`, lang: 'ja', tag: 'notice-1', app_badge: 1 } });
    const options = { vapidDetails: vapid, TTL: 86_400, urgency: 'normal' as const, agent: rawAgent };
    let next = 0;
    let stopReporting = reportArrivals(push.received, 0);
    let started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < devices.length) {
          const device = devices[next++]!;
          await webpush.sendNotification(device, payload, options);
        }
      })
    );
    const rawPerSecond = SUBSCRIPTIONS / ((performance.now() - started) / 1000);
    stopReporting();
    rawAgent.destroy();
    progress(`bare loop: ${Math.round(rawPerSecond)} messages/s`);

    progress(`notices worker draining ${SUBSCRIPTIONS} push deliveries`);
    const agent = pushAgent({ ca: pushServiceCertificate });
    const before = push.received.length;
    stopReporting = reportArrivals(push.received, before);
    started = performance.now();
    const report = await runNoticeWorkerOnce({ db: database.db, config, logger, mailer: createMailer(config, logger), pushAgent: agent }, now);
    const workerPerSecond = SUBSCRIPTIONS / ((performance.now() - started) / 1000);
    stopReporting();
    agent.destroy();
    if (report.sent !== SUBSCRIPTIONS || push.received.length - before !== SUBSCRIPTIONS || push.refused.length > 0) {
      throw new Error(`the worker sent ${report.sent} of ${SUBSCRIPTIONS}; the push service took ${push.received.length - before} and refused ${push.refused.length}`);
    }
    progress(`worker: ${Math.round(workerPerSecond)} deliveries/s`);
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
