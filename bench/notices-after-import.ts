import { sql } from 'drizzle-orm';
import type { NoticeFacts } from '../src/lib/shared/notices.js';
import { pushPayload } from '../src/lib/shared/push-payload.js';
import { loadConfig } from '../server/config.js';
import { importFiles, type ImportFile } from '../server/features/imports/service.js';
import { defaultTuning, startNoticeWorker } from '../server/jobs/notice-worker.js';
import { createLogger } from '../server/log/logger.js';
import { createMailer } from '../server/mail/transport.js';
import { webPushOptions } from '../server/push/send.js';
import { vapidKeys } from '../server/push/vapid.js';
import { billLine, customerLine, headers, importRules, noticeRules, writeCsv } from '../tests/integration/support/import-files.js';
import { freshDataDir } from '../tests/integration/support/server-process.js';
import { arrivals, bareWebPushLoop, describePhase, measure, openPushBench, storeDevices } from './push-loop.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

const FAUCETS = 15_000;
/** Faucets whose customers get an untimed bills import first: the worker, the import and both agents warm. */
const WARM_UP = 500;
const faucetNo = (index: number) => String(30_000_000 + index);

/**
 * notices_after_import_s: a bills import of 15,000 faucets, each linked to a customer with one
 * device, and the seconds from the import's commit to the last of its 15,000 pushes arriving at
 * the push service in this process (which checks every VAPID token and decrypts every message).
 *
 * The worker is startNoticeWorker with the default tuning, the loop every app process runs, so
 * the figure includes what a customer waits for in production: up to one poll interval
 * (defaultTuning.pollMs) before the drain starts, then claims and lanes as defaultTuning says. Quiet hours
 * are off, as it reads the real clock: the figure must not depend on the hour the bench runs.
 * The customers chose push only for bills: the figure is the push path's; mails would interleave.
 *
 * Baseline: the same 15,000 messages by a bare web-push loop at the same concurrency, in the
 * same run (half before the import, half after); the ratio is what making, queueing, polling
 * for, claiming and settling notices add to sending them.
 */
export async function benchNoticesAfterImport(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<Record<string, Figure>> {
  const bench = await openPushBench(scratch);
  const { push, database, raw: rawAgent, worker: workerAgent } = bench;
  let stopWorker: (() => Promise<void>) | undefined;
  try {
    const { db } = database;
    const loaded = loadConfig({ DATA_DIR: freshDataDir(), ...bench.env });
    const config = { ...loaded, origin: 'https://portal.example.jp', profile: { ...loaded.profile, quietHours: { start: '00:00', end: '00:00' } } };
    const logger = createLogger('warn');
    const options = { rules: importRules, notices: noticeRules, ranBy: 'bench' };
    const indexes = Array.from({ length: FAUCETS }, (_, index) => index);
    const bills = (period: string, count: number): ImportFile => ({
      kind: 'bills',
      path: writeCsv([headers.bills, ...indexes.slice(0, count).map((index) => billLine(faucetNo(index), period, 6000 + (index % 50) * 20))])
    });

    progress(`${FAUCETS.toLocaleString('en')} faucets, each linked to a customer with one device subscribed`);
    await importFiles({ db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...indexes.map((index) => customerLine(faucetNo(index), '2020-04-01'))]) }], options);
    const devices = indexes.map(() => push.subscribe());
    await db.execute(sql`insert into customers (email, nickname, password_hash, created_at) select faucet_no || '@example.jp', 'bench', 'x', now() from faucets`);
    await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at)
      select customers.id, c.id, now() from contracts c join faucets f on f.id = c.faucet_id join customers on customers.email = f.faucet_no || '@example.jp'`);
    await storeDevices(db, devices.map((device, index) => ({ email: `${faucetNo(index)}@example.jp`, endpoint: device.endpoint, ...device.keys })));
    await db.execute(sql`insert into notice_preferences (customer_id, topic, push, email) select id, 'bill', true, false from customers`);
    await db.execute(sql`analyze`);

    stopWorker = startNoticeWorker({ db, config, logger, mailer: createMailer(config, logger), pushAgent: workerAgent.agent }).stop;
    const vapid = await vapidKeys(db, config);
    const facts: NoticeFacts = { topic: 'bill', faucetNo: faucetNo(0), period: '2026-10', total: 6000, dueDate: '2026-10-28', transferDate: '2026-10-26', corrected: false };
    const contact = { section: config.profile.section, phone: config.profile.phone };
    const payload = JSON.stringify(pushPayload({ id: 1, facts }, { origin: config.origin, locale: 'ja', contact, unread: 1 }));
    const webpushOptions = webPushOptions(vapid, rawAgent.agent);
    const concurrency = defaultTuning.concurrency;

    progress(`warm-up: a bills import of ${WARM_UP} faucets through the worker, and ${WARM_UP} bare messages, untimed`);
    const warmed = arrivals(push, WARM_UP);
    await importFiles({ db, now: new Date() }, [bills('2026-09', WARM_UP)], options);
    await warmed;
    await bareWebPushLoop(devices.slice(0, WARM_UP), payload, webpushOptions, concurrency);

    // The baseline runs half before the import and half after it, so a neighbour's load that rises or falls meets both alike.
    const half = FAUCETS / 2;
    const bareHalf = async (which: string, slice: typeof devices) => {
      progress(`baseline, ${which} half: ${slice.length.toLocaleString('en')} messages by a bare web-push loop, ${concurrency} in flight`);
      const phase = await measure(rawAgent, () => bareWebPushLoop(slice, payload, webpushOptions, concurrency));
      progress(`  bare loop: ${describePhase(phase)}`);
      return phase;
    };
    const bare = [await bareHalf('first', devices.slice(0, half))];

    progress(`a bills import of ${FAUCETS.toLocaleString('en')} faucets, then the worker (polling every ${defaultTuning.pollMs} ms) until the last push arrives`);
    const before = push.received.length;
    const last = arrivals(push, FAUCETS);
    let committedAt = 0;
    let firstAt = 0;
    const first = arrivals(push, 1).then((at) => (firstAt = at));
    const importStarted = performance.now();
    const worker = await measure(workerAgent, async () => {
      const result = await importFiles({ db, now: new Date() }, [bills('2026-10', FAUCETS)], options);
      committedAt = performance.now();
      if (result.status !== 'imported') throw new Error(`bills import ${result.status}`);
      progress(`  import committed after ${Math.round(committedAt - importStarted)} ms`);
      await Promise.all([last, first]);
    });
    const seconds = ((await last) - committedAt) / 1000;
    progress(`  import and worker: ${describePhase(worker)}; first push ${Math.round(firstAt - committedAt)} ms after the commit, last ${round(seconds, 2)} s after`);

    bare.push(await bareHalf('second', devices.slice(half)));
    const bareSeconds = (bare[0]!.ms + bare[1]!.ms) / 1000;

    const pushed = push.received.slice(before, before + FAUCETS);
    const tags = new Set(pushed.map((received) => `${received.endpoint} ${(received.payload as { notification: { tag: string } }).notification.tag}`));
    if (pushed.length !== FAUCETS || tags.size !== FAUCETS || push.refused.length > 0) {
      throw new Error(`the push service took ${pushed.length} (${tags.size} distinct) of ${FAUCETS} and refused ${push.refused.length}`);
    }
    return {
      notices_after_import_s: againstBaseline(seconds, 's', bareSeconds, FAUCETS),
      notices_import_s: { value: round((committedAt - importStarted) / 1000, 2), unit: 's', n: FAUCETS }
    };
  } finally {
    await stopWorker?.();
    await bench.close();
  }
}
