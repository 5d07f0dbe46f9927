import { sql } from 'drizzle-orm';
import { loadConfig } from '../server/config.js';
import { defaultTuning, runNoticeWorkerOnce } from '../server/jobs/notice-worker.js';
import { createLogger } from '../server/log/logger.js';
import { createMailer } from '../server/mail/transport.js';
import { webPushOptions } from '../server/push/send.js';
import { vapidKeys } from '../server/push/vapid.js';
import type { PushSubscriptionJson } from '../tests/integration/support/push-service.js';
import { freshDataDir } from '../tests/integration/support/server-process.js';
import { bareWebPushLoop, describePhase, measure, openPushBench, storeDevices, type Phase } from './push-loop.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

const SUBSCRIPTIONS = 10_000;
/** Untimed, before the rounds: JIT, crypto and both agents' TLS connections warm for both. */
const WARM_UP = 500;
/**
 * Even, so that each goes first in as many rounds as the other; many short rounds, so that a
 * neighbour's burst of load on this shared machine falls on both alike. 1,000 a round is two of
 * the worker's claims, as its drains in production take many.
 */
const ROUNDS = 10;
const PER_ROUND = SUBSCRIPTIONS / ROUNDS;

/**
 * One notice to 10,000 devices, drained by the notices worker on PostgreSQL to a push service in
 * this process (which checks every VAPID token and decrypts every message), against a bare loop
 * of web-push calls to the same service with the same concurrency and agent settings in the
 * same run: the ratio is what claiming, building payloads and recording outcomes cost.
 *
 * Fair by construction: both warm up before timing; they alternate over an even number of
 * rounds, each first in half of them; the push service keeps idle connections open, so a sender
 * that waited through the other's phase does not pay fresh TLS handshakes for it (Node's 5 s
 * default closed them, and the sender that came second in a round paid ~50 handshakes, ~10 %
 * of a phase). Both sign a VAPID token and encrypt per message (web-push caches neither).
 */
export async function benchPushFanout(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<Record<string, Figure>> {
  const bench = await openPushBench(scratch);
  const { push, database, raw: rawAgent, worker: workerAgent } = bench;
  try {
    const config = { ...loadConfig({ DATA_DIR: freshDataDir(), ...bench.env }), origin: 'https://portal.example.jp' };
    const logger = createLogger('warn');

    const total = WARM_UP + SUBSCRIPTIONS;
    progress(`${total} subscriptions (${WARM_UP} to warm up), each with one pending push delivery`);
    const devices: PushSubscriptionJson[] = Array.from({ length: total }, () => push.subscribe());
    const now = new Date('2026-11-27T10:00:00+09:00');
    const facts = { topic: 'bill', faucetNo: '6000-0001', period: '2026-10', total: 6380, dueDate: null, transferDate: '2026-11-26', corrected: false };
    await database.db.execute(sql`insert into customers (email, nickname, password_hash, created_at)
      select 'c' || n || '@example.jp', 'bench', 'x', now() from generate_series(1, ${total}) n`);
    await storeDevices(database.db, devices.map((device, index) => ({ email: `c${index + 1}@example.jp`, endpoint: device.endpoint, ...device.keys })));
    await database.db.execute(sql`insert into notices (customer_id, topic, period, facts, created_at)
      select id, 'bill', '2026-10', ${JSON.stringify(facts)}::jsonb, ${now.toISOString()}::timestamptz from customers`);
    // The warm-up's deliveries fall due a minute early; round k's k minutes after the first: each drain takes its own share.
    await database.db.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
      select notices.id, notices.customer_id, 'push', s.id, notices.created_at,
        notices.created_at + make_interval(mins => case when notices.customer_id <= ${WARM_UP} then -1 else (notices.customer_id - ${WARM_UP} - 1) / ${PER_ROUND} end)
      from notices join push_subscriptions s using (customer_id)`);

    const vapid = await vapidKeys(database.db, config);
    const concurrency = defaultTuning.concurrency;
    const deps = { db: database.db, config, logger, mailer: createMailer(config, logger), pushAgent: workerAgent.agent };
    const payload = JSON.stringify({ web_push: 8030, notification: { title: '料金のお知らせ', body: 'x'.repeat(120), navigate: `${config.origin}/history`, lang: 'ja', tag: 'notice-1', app_badge: 1 } });
    const options = webPushOptions(vapid, rawAgent.agent);
    const drainAt = (at: Date) => async () => {
      const report = await runNoticeWorkerOnce(deps, at);
      if (report.sent !== (at < now ? WARM_UP : PER_ROUND)) throw new Error(`the worker sent ${report.sent}`);
    };

    progress(`warm-up: ${WARM_UP} messages by each, untimed`);
    await bareWebPushLoop(devices.slice(0, WARM_UP), payload, options, concurrency);
    await drainAt(new Date(now.getTime() - 60_000))();

    const phases = { raw: [] as Phase[], worker: [] as Phase[] };
    for (let lap = 0; lap < ROUNDS; lap += 1) {
      const slice = devices.slice(WARM_UP + lap * PER_ROUND, WARM_UP + (lap + 1) * PER_ROUND);
      const bareLoop = async () => {
        const phase = await measure(rawAgent, () => bareWebPushLoop(slice, payload, options, concurrency));
        phases.raw.push(phase);
        progress(`  bare loop: ${describePhase(phase)}`);
      };
      const worker = async () => {
        const phase = await measure(workerAgent, drainAt(new Date(now.getTime() + lap * 60_000)));
        phases.worker.push(phase);
        progress(`  worker:    ${describePhase(phase)}`);
      };
      const order = lap % 2 === 0 ? [bareLoop, worker] : [worker, bareLoop];
      progress(`round ${lap + 1} of ${ROUNDS}: ${PER_ROUND} messages by each, ${concurrency} in flight, ${lap % 2 === 0 ? 'bare loop' : 'worker'} first`);
      for (const run of order) await run();
    }
    if (push.received.length !== 2 * total || push.refused.length > 0) {
      throw new Error(`the push service took ${push.received.length} of ${2 * total} and refused ${push.refused.length}`);
    }
    const sum = (list: Phase[], key: 'ms' | 'cpuMs') => list.reduce((all, phase) => all + phase[key], 0);
    const rawPerSecond = SUBSCRIPTIONS / (sum(phases.raw, 'ms') / 1000);
    const workerPerSecond = SUBSCRIPTIONS / (sum(phases.worker, 'ms') / 1000);
    const cpuUs = (list: Phase[]) => (sum(list, 'cpuMs') * 1000) / SUBSCRIPTIONS;
    const paired = phases.worker.map((phase, lap) => phases.raw[lap]!.ms / phase.ms).toSorted((a, b) => a - b);
    progress(`bare loop ${Math.round(rawPerSecond)} messages/s, worker ${Math.round(workerPerSecond)} deliveries/s`);
    progress(`worker/bare speed round by round: ${paired.map((ratio) => ratio.toFixed(2)).join(' ')} (median ${paired[ROUNDS / 2]!.toFixed(2)})`);
    return {
      push_fanout_per_s: againstBaseline(workerPerSecond, 'deliveries/s', rawPerSecond, SUBSCRIPTIONS),
      raw_webpush_per_s: { value: round(rawPerSecond), unit: 'messages/s', n: SUBSCRIPTIONS },
      // This process's CPU per message (both ends of the push, and the worker's JavaScript), steadier than wall time on a shared machine.
      push_fanout_cpu_us: againstBaseline(cpuUs(phases.worker), 'µs/delivery', cpuUs(phases.raw), SUBSCRIPTIONS)
    };
  } finally {
    await bench.close();
  }
}
