import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, beforeEach } from 'vitest';
import { loadConfig } from '../../../server/config.js';
import { selectRows, type Database } from '../../../server/db/client.js';
import { customers, faucetLinks, pushSubscriptions } from '../../../server/db/schema.js';
import { generateDemo, type DemoOptions } from '../../../server/demo/generate.js';
import { writeDemoFiles } from '../../../server/demo/write.js';
import type { ImportFile } from '../../../server/features/imports/service.js';
import type { NoticeWorkerDeps } from '../../../server/jobs/notice-worker.js';
import { createLogger } from '../../../server/log/logger.js';
import { createMailer } from '../../../server/mail/transport.js';
import { pushAgent } from '../../../server/push/send.js';
import { createSession, tokenHash } from '../../../server/sessions/sessions.js';
import { noticeRules } from './import-files.js';
import { pushServiceCertificate, startPushService, type PushService, type PushSubscriptionJson } from './push-service.js';
import { freshDataDir } from './server-process.js';
import { startSmtpServer } from './smtp-server.js';

export type SmtpServer = Awaited<ReturnType<typeof startSmtpServer>>;

/**
 * Gives every test of the enclosing describe a push service and an SMTP server of its own, and
 * the notices worker's deps wired to them and to the test's database: what the worker sends
 * lands where the test can read it, decrypted and parsed.
 */
export function useDeliveryServices(database: { readonly db: Database }): { readonly push: PushService; readonly smtp: SmtpServer; readonly deps: NoticeWorkerDeps } {
  let push: PushService;
  let smtp: SmtpServer;
  let deps: NoticeWorkerDeps;
  beforeEach(async () => {
    push = await startPushService();
    smtp = await startSmtpServer();
    const config = { ...loadConfig({ DATA_DIR: freshDataDir(), SMTP_URL: smtp.url, PUSH_SERVICE_HOSTS: push.hostEntry }), origin: 'https://portal.example.jp' };
    const logger = createLogger('silent');
    const agent = pushAgent({ hosts: config.pushServiceHosts, ca: pushServiceCertificate });
    deps = { db: database.db, config, logger, mailer: createMailer(config, logger), pushAgent: agent };
  });
  afterEach(async () => {
    deps.pushAgent?.destroy();
    await push.stop();
    await smtp.stop();
  });
  return {
    get push() {
      return push;
    },
    get smtp() {
      return smtp;
    },
    get deps() {
      return deps;
    }
  };
}

/** Stores a device's subscription as the app's subscribe call does, in a session of its own (signed in now); returns its id. */
export async function storeSubscription(db: Database, customerId: number, device: PushSubscriptionJson, createdAt = new Date()): Promise<number> {
  const sessionTokenHash = tokenHash(await createSession(db, customerId, new Date()));
  const [row] = await db
    .insert(pushSubscriptions)
    .values({ customerId, sessionTokenHash, endpoint: device.endpoint, p256dh: device.keys.p256dh, auth: device.keys.auth, createdAt })
    .returning({ id: pushSubscriptions.id });
  return row!.id;
}

const linkedAt = new Date('2026-01-01T00:00:00Z');

/**
 * An account for `email` (made on first use) linked to the faucet's current contract, as sign-up
 * leaves it, with the given devices subscribed. Returns the customer's id.
 */
export async function linkCustomer(db: Database, email: string, faucetNo: string, devices: PushSubscriptionJson[] = []): Promise<number> {
  const [customer] = await db
    .insert(customers)
    .values({ email, nickname: email, passwordHash: 'x', createdAt: linkedAt })
    .onConflictDoUpdate({ target: [customers.utilityId, customers.email], set: { nickname: email } })
    .returning();
  const [contract] = await selectRows<{ id: number }>(
    db,
    sql`select c.id from contracts c join faucets f on f.id = c.faucet_id where f.faucet_no = ${faucetNo} order by c.contract_start desc limit 1`
  );
  await db.insert(faucetLinks).values({ customerId: customer!.id, contractId: contract!.id, linkedAt });
  for (const device of devices) await storeSubscription(db, customer!.id, device, linkedAt);
  return customer!.id;
}

/**
 * The demo's import files, written once to a fresh directory as `npm run demo` writes them:
 * returns the ImportFile of each kind.
 */
export async function writeDemoImport(demo: DemoOptions): Promise<(kind: ImportFile['kind']) => ImportFile> {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-notices-demo-'));
  await writeDemoFiles(dir, generateDemo(demo), { encoding: 'utf8' });
  return (kind) => ({ kind, path: path.join(dir, `${kind}.csv`) });
}

/**
 * Faucets whose `period` reading jumps over `baseline`'s by both thresholds of the usage alert:
 * the winter peaks that would alert if compared with autumn instead of last winter.
 */
export async function jumpsOver(db: Database, period: string, baseline: string): Promise<string[]> {
  const rows = await selectRows<{ faucetNo: string }>(
    db,
    sql`select f.faucet_no as "faucetNo" from readings w join readings base on base.faucet_id = w.faucet_id and base.period = ${baseline}
      join faucets f on f.id = w.faucet_id
      where w.period = ${period} and w.usage_tenths >= ${noticeRules.usageAlert.ratio}::numeric * base.usage_tenths
        and w.usage_tenths - base.usage_tenths >= ${noticeRules.usageAlert.minExtraM3 * 10}::numeric
      order by 1`
  );
  return rows.map((row) => row.faucetNo);
}
