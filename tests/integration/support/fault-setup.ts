import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { demoProfilePath } from '../../../server/config.js';
import { openDatabase, selectRows, type Database } from '../../../server/db/client.js';
import { createScratchPostgres, faultPostgresUrl } from './database.js';
import { faucet, importMemberFaucets } from './members.js';
import { linkCustomer } from './notices.js';
import { pushServiceCertificate, startPushService, type PushService } from './push-service.js';
import { freshDataDir } from './server-process.js';
import { demoUtility } from './import-files.js';

/**
 * What a spawned server needs to deliver pushes to the test's push service whatever the hour:
 * the demo profile without quiet hours, the push service's certificate trusted by Node, and its
 * host listed in PUSH_SERVICE_HOSTS (it is on a loopback address).
 */
export function deliveringServerEnv(push: PushService): Record<string, string> {
  const dir = freshDataDir();
  const profile = path.join(dir, 'profile.json');
  const demo = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as Record<string, unknown>;
  writeFileSync(profile, JSON.stringify({ ...demo, quietHours: { start: '00:00', end: '00:00' } }));
  const certificate = path.join(dir, 'push-service.pem');
  writeFileSync(certificate, pushServiceCertificate);
  return { UTILITY_CONFIG: profile, NODE_EXTRA_CA_CERTS: certificate, PUSH_SERVICE_HOSTS: push.hostEntry };
}

/**
 * A scratch PostgreSQL database with the member faucets, a customer linked to the first one with
 * `devices` subscribed at a push service of the test's own, and the test's connection to the
 * database (never through a proxy). What it opens is closed by the cleanups, last first.
 */
export async function customerWithDevices(cleanups: (() => Promise<unknown>)[], devices: number, pushOptions: Parameters<typeof startPushService>[0] = {}) {
  const scratch = await createScratchPostgres(faultPostgresUrl, { migrated: true });
  cleanups.push(() => scratch.drop());
  const direct = await openDatabase({ databaseUrl: scratch.url, utility: demoUtility });
  cleanups.push(() => direct.close());
  await importMemberFaucets(direct.db);
  const push = await startPushService(pushOptions);
  cleanups.push(() => push.stop());
  const faucetNo = faucet(0).faucetNo;
  const customerId = await linkCustomer(direct.db, 'faults@example.jp', faucetNo, Array.from({ length: devices }, () => push.subscribe()));
  return { url: scratch.url, db: direct.db, push, customerId, faucetNo };
}

/**
 * `count` reading notices for the customer, each with a push delivery due now to every one of
 * their devices, as an import queues them. Periods start at `firstYear`, one a year, so each is
 * a notice of its own. Returns the notices' ids.
 */
export async function queuePushNotices(db: Database, customerId: number, faucetNo: string, firstYear: number, count: number): Promise<number[]> {
  const facts = Array.from({ length: count }, (_, index) => {
    const period = `${firstYear + index}-10`;
    return { topic: 'reading', faucetNo, period, readingDate: `${period}-14`, usageTenths: 200 };
  });
  const rows = await selectRows<{ id: number }>(
    db,
    sql`with made as (
      insert into notices (customer_id, topic, period, facts, created_at)
      select ${customerId}, 'reading', f->>'period', f, now() from jsonb_array_elements(${JSON.stringify(facts)}::jsonb) f
      returning id),
    queued as (
      insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
      select made.id, ${customerId}, 'push', s.id, now(), now() from made join push_subscriptions s on s.customer_id = ${customerId})
    select id from made order by id`
  );
  return rows.map((row) => row.id);
}

/** Each push delivery as the database has it, with how many times it reached its device. */
export async function pushDeliveries(db: Database, received: { endpoint: string; payload: unknown }[]) {
  const rows = await selectRows<{ id: number; noticeId: number; endpoint: string; state: string; attempts: number }>(
    db,
    sql`select d.id, d.notice_id as "noticeId", s.endpoint, d.state, d.attempts
      from notice_deliveries d join push_subscriptions s on s.id = d.subscription_id where d.channel = 'push' order by d.id`
  );
  const arrivals = new Map<string, number>();
  for (const push of received) {
    const key = `${push.endpoint} ${(push.payload as { notification: { tag: string } }).notification.tag}`;
    arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
  }
  return rows.map((row) => ({ ...row, arrived: arrivals.get(`${row.endpoint} notice-${row.noticeId}`) ?? 0 }));
}

/** Waits until `done` holds, asking every 100 ms, or throws after timeoutMs with `what`. */
export async function waitFor(what: string, done: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
