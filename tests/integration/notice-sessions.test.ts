import { eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../server/db/client.js';
import { customers, notices, pushSubscriptions, sessions } from '../../server/db/schema.js';
import { importFiles } from '../../server/features/imports/service.js';
import { queueDeliveries } from '../../server/features/notices/deliveries.js';
import { pruneExpired } from '../../server/jobs/prune.js';
import { loadConfig } from '../../server/config.js';
import { subscribe } from '../../server/features/notices/settings.js';
import { createLogger } from '../../server/log/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { sessionEndedRefusal } from '../../server/sessions/sessions.js';
import { signUp, startApp, TEST_PASSWORD, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';
import { freshDataDir } from './support/server-process.js';
import { signInStaff } from './support/staff.js';

/**
 * A push subscription ends with the session that made it: every way a session ends takes the
 * device's subscription with it, so the next notice makes no push delivery for that device,
 * and leaves the other sessions' devices (the customer's own, and other customers') as they were.
 */
let app: App;
let members = 0;
let devices = 0;

beforeAll(async () => {
  app = await startApp({ logLevel: 'warn' });
  const rows = Array.from({ length: 30 }, (_, index) => `${72_000_000 + index},名寄 ${index}郎,,01654-2-72${String(index).padStart(2, '0')},名寄市北${index}条,,,,2020-04-01,,transfer`);
  const result = await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...rows]) }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
  expect(result.status).toBe('imported');
});

afterAll(async () => {
  await app.close();
});

const deviceKeys = { p256dh: 'BPkdevicekey', auth: 'c2VjcmV0LWF1dGg' };

/** A device that turned push on while signed in: its endpoint. */
async function turnPushOn(client: Client, name: string): Promise<string> {
  const endpoint = `https://fcm.googleapis.com/fcm/send/${name}-${(devices += 1)}`;
  await client.api.noticeSettings.subscribe.mutate({ endpoint, keys: deviceKeys });
  return endpoint;
}

/** A member signed up on a phone (push on), and signed in on a tablet too (push on). */
async function member() {
  const index = (members += 1);
  const email = `sessions${index}@example.jp`;
  const phone = app.client();
  await signUp(app, phone, email, { faucetNo: String(72_000_000 + index), phone: `01654-2-72${String(index).padStart(2, '0')}` });
  const tablet = app.client();
  await tablet.api.auth.login.mutate({ email, password: TEST_PASSWORD });
  const [row] = await app.db.select({ id: customers.id }).from(customers).where(eq(customers.email, email));
  return { email, customerId: row!.id, phone, tablet, phoneEndpoint: await turnPushOn(phone, 'phone'), tabletEndpoint: await turnPushOn(tablet, 'tablet') };
}

/** A notice for the customer, queued as an import queues it: the endpoints it makes a push delivery for. */
async function pushedBy(customerId: number): Promise<string[]> {
  const noticeId = await app.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(notices)
      .values({ customerId, topic: 'procedure', facts: { topic: 'procedure', kind: 'name', receiptNo: 'R-1', state: 'done' }, createdAt: new Date() })
      .returning({ id: notices.id });
    await queueDeliveries(tx, new Date());
    return row!.id;
  });
  const rows = await selectRows<{ endpoint: string }>(
    app.db,
    sql`select s.endpoint from notice_deliveries d join push_subscriptions s on s.id = d.subscription_id where d.notice_id = ${noticeId} order by 1`
  );
  return rows.map((row) => row.endpoint);
}

const stored = async (endpoints: string[]) =>
  (await app.db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(inArray(pushSubscriptions.endpoint, endpoints))).map((row) => row.endpoint);

const sessionOf = async (endpoint: string) =>
  (await app.db.select({ hash: pushSubscriptions.sessionTokenHash }).from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)))[0]?.hash;

describe(`push subscriptions end with their session on ${driverName}`, () => {
  it("log-out: the device that logged out gets no more push, the customer's other device and other customers' do", async () => {
    const taro = await member();
    const hanako = await member();
    await taro.phone.api.auth.logout.mutate();

    expect(await pushedBy(taro.customerId)).toEqual([taro.tabletEndpoint]);
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it('password reset: every device signed in before gets no more push; other customers keep theirs', async () => {
    const taro = await member();
    const hanako = await member();
    const browser = app.client();
    await browser.api.auth.reset.requestCode.mutate({ email: taro.email });
    await browser.api.auth.reset.complete.mutate({ email: taro.email, code: await app.codeFor(taro.email, 2), password: 'atarashii-pass-1' });

    expect(await stored([taro.phoneEndpoint, taro.tabletEndpoint])).toEqual([]);
    expect(await pushedBy(taro.customerId)).toEqual([]);
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it('password change: the other devices get no more push, the device that changed it keeps its push in its new session', async () => {
    const taro = await member();
    const hanako = await member();
    const before = await sessionOf(taro.phoneEndpoint);
    await taro.phone.api.account.changePassword.mutate({ currentPassword: TEST_PASSWORD, newPassword: 'atarashii-pass-2' });

    expect(await pushedBy(taro.customerId)).toEqual([taro.phoneEndpoint]);
    const live = await app.db.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.customerId, taro.customerId));
    const after = await sessionOf(taro.phoneEndpoint);
    expect(live.map((row) => row.hash)).toEqual([after]);
    expect(after, 'rotated: the old session is gone').not.toBe(before);
    // The phone is still signed in, with the new session's cookie.
    expect(await taro.phone.api.auth.me.query()).toMatchObject({ email: taro.email });
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it("退会: the account's devices go with it; other customers keep theirs", async () => {
    const taro = await member();
    const hanako = await member();
    await taro.phone.api.account.withdraw.mutate({ password: TEST_PASSWORD });

    expect(await stored([taro.phoneEndpoint, taro.tabletEndpoint])).toEqual([]);
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it("staff withdrawal: the account's devices go with it; other customers keep theirs", async () => {
    const taro = await member();
    const hanako = await member();
    const clerk = await signInStaff(app, 'clerk', 'clerk@city.example.jp');
    await clerk.api.staff.support.withdrawAccount.mutate({ customerId: taro.customerId, reason: '窓口で本人確認のうえ' });

    expect(await stored([taro.phoneEndpoint, taro.tabletEndpoint])).toEqual([]);
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it("expiry: from the moment a session expires, before it is pruned, its device gets no more push; the customer's live session keeps its own", async () => {
    const taro = await member();
    const hanako = await member();
    await app.db.update(sessions).set({ expiresAt: new Date(Date.now() - 60_000) }).where(eq(sessions.tokenHash, (await sessionOf(taro.phoneEndpoint))!));
    expect(await pushedBy(taro.customerId), 'expired, not yet pruned: already no push').toEqual([taro.tabletEndpoint]);
    await pruneExpired(app.db, new Date());

    expect(await pushedBy(taro.customerId)).toEqual([taro.tabletEndpoint]);
    expect(await pushedBy(hanako.customerId)).toEqual([hanako.phoneEndpoint, hanako.tabletEndpoint].sort());
  });

  it("one device subscribed by two customers at the same moment ends with one of them whole: its customer and that customer's session", async () => {
    const taro = await member();
    const hanako = await member();
    for (let round = 0; round < 12; round += 1) {
      const endpoint = `https://fcm.googleapis.com/fcm/send/shared-phone-${round}`;
      await Promise.all([taro, hanako].map((who) => who.phone.api.noticeSettings.subscribe.mutate({ endpoint, keys: deviceKeys })));
      const rows = await selectRows<{ owner: number; sessionOwner: number }>(
        app.db,
        sql`select s.customer_id as owner, live.customer_id as "sessionOwner" from push_subscriptions s join sessions live on live.token_hash = s.session_token_hash where s.endpoint = ${endpoint}`
      );
      expect(rows, `round ${round}`).toHaveLength(1);
      expect(rows[0]!.sessionOwner, `round ${round}: the session is the row's customer's`).toBe(rows[0]!.owner);
    }
  });

  it('refuses as signed out a subscribe whose session ended after its check, and stores nothing', async () => {
    const taro = await member();
    const config = loadConfig({ DATA_DIR: freshDataDir() });
    const logger = createLogger('silent');
    const deps = { db: app.db, config, logger, mailer: createMailer(config, logger), now: new Date(), clientKey: 'test' };
    const endpoint = 'https://fcm.googleapis.com/fcm/send/ended-session';

    await expect(subscribe(deps, { customerId: taro.customerId, sessionToken: 'a-session-ended-a-moment-ago' }, { endpoint, keys: deviceKeys })).rejects.toBe(sessionEndedRefusal);
    expect(await stored([endpoint])).toEqual([]);
  });
});
