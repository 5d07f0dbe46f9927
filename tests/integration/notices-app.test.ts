import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NoticeFacts } from '../../src/lib/shared/notices.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { clientChanges, customers, noticePreferences, notices, pushSubscriptions, sessions } from '../../server/db/schema.js';
import { MAX_PUSH_DEVICES } from '../../server/features/notices/settings.js';
import { importFiles } from '../../server/features/imports/service.js';
import { failureOf, signUp, startApp, TEST_PASSWORD, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';

let app: App;
let count = 0;

beforeAll(async () => {
  app = await startApp({ logLevel: 'warn' });
  const rows = Array.from({ length: 20 }, (_, index) => `${71_000_000 + index},名寄 ${index}郎,,01654-2-71${String(index).padStart(2, '0')},名寄市南${index}条,,,,2020-04-01,,transfer`);
  const result = await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...rows]) }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
  expect(result.status).toBe('imported');
});

afterAll(async () => {
  await app.close();
});

/** A signed-in member with a faucet of their own, and their customer id (notices are made by the imports, not here). */
async function member(): Promise<{ client: Client; customerId: number }> {
  const client = app.client();
  const index = (count += 1);
  const email = `notices${index}@example.jp`;
  await signUp(app, client, email, { faucetNo: String(71_000_000 + index), phone: `01654-2-71${String(index).padStart(2, '0')}` });
  const [row] = await app.db.select({ id: customers.id }).from(customers).where(eq(customers.email, email));
  return { client, customerId: row!.id };
}

const billFacts = (faucetNo: string, period: string): NoticeFacts => ({
  topic: 'bill',
  faucetNo,
  period,
  total: 7000,
  dueDate: null,
  transferDate: `${period}-26`,
  corrected: false
});

/** A notice as the imports write it, made `daysAgo` days ago. */
async function notice(customerId: number, period: string, daysAgo = 0): Promise<number> {
  const [row] = await app.db
    .insert(notices)
    .values({ customerId, topic: 'bill', period, facts: billFacts('71000001', period), createdAt: new Date(Date.now() - daysAgo * 86_400_000) })
    .returning({ id: notices.id });
  return row!.id;
}

const pull = (client: Client, cursor: number | null, knownLinks: number[] = []) => client.api.sync.pull.query({ format: SYNC_FORMAT, cursor, knownLinks });

describe(`notices in sync.pull on ${driverName}`, () => {
  it("sends the caller's notices of the last two years newest first, then only what was made or read since", async () => {
    const { client, customerId } = await member();
    const other = await member();
    const old = await notice(customerId, '2023-01', 800);
    const earlier = await notice(customerId, '2026-09', 40);
    const latest = await notice(customerId, '2026-10', 10);
    await notice(other.customerId, '2026-10', 1);

    const first = await pull(client, null);
    expect(first.notices?.map((row) => row.id)).toEqual([latest, earlier]);
    expect(first.notices![0]).toEqual({ id: latest, topic: 'bill', facts: billFacts('71000001', '2026-10'), createdAt: expect.any(String), readAt: null });
    expect(first.notices!.some((row) => row.id === old)).toBe(false);

    // Nothing new: the answer stays a cursor.
    const links = first.faucets!.map((faucet) => faucet.linkId);
    const quiet = await pull(client, first.cursor, links);
    expect(quiet).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });

    const fresh = await notice(customerId, '2026-11');
    const withNew = await pull(client, quiet.cursor, links);
    expect(withNew.notices?.map((row) => row.id)).toEqual([fresh]);
    expect(withNew.readings).toBeUndefined();

    // Read on another device: this one hears of it at its next pull, with the read time.
    await client.api.noticeReads.mark.mutate({ noticeId: earlier, clientId: randomUUID() });
    const afterRead = await pull(client, withNew.cursor, links);
    expect(afterRead.notices).toEqual([expect.objectContaining({ id: earlier, readAt: expect.any(String) })]);
    expect(await pull(client, afterRead.cursor, links)).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });
  });
});

describe(`noticeReads.mark on ${driverName}`, () => {
  it("marks the caller's notice read once per client id, and never another customer's", async () => {
    const mine = await member();
    const theirs = await member();
    const own = await notice(mine.customerId, '2026-10');
    const foreign = await notice(theirs.customerId, '2026-10');
    const readAt = async (id: number) => (await app.db.select({ readAt: notices.readAt, version: notices.version }).from(notices).where(eq(notices.id, id)))[0]!;

    const clientId = randomUUID();
    expect(await mine.client.api.noticeReads.mark.mutate({ noticeId: own, clientId })).toEqual({ ok: true, repeated: false });
    const first = await readAt(own);
    expect(first.readAt).toBeInstanceOf(Date);
    // The lost answer's resend, and a second device marking it too, leave the first read as it was.
    expect(await mine.client.api.noticeReads.mark.mutate({ noticeId: own, clientId })).toEqual({ ok: true, repeated: true });
    expect(await mine.client.api.noticeReads.mark.mutate({ noticeId: own, clientId: randomUUID() })).toEqual({ ok: true, repeated: false });
    expect(await readAt(own)).toEqual(first);

    const refused = await failureOf(mine.client.api.noticeReads.mark.mutate({ noticeId: foreign, clientId: randomUUID() }));
    expect(refused.code).toBe('NOT_FOUND');
    expect((await readAt(foreign)).readAt).toBeNull();
    // The refused change's id was not recorded: it was rolled back with the rest.
    expect(await app.db.select().from(clientChanges).where(eq(clientChanges.customerId, mine.customerId))).toHaveLength(2);
  });
});

const subscription = (name: string) => ({
  endpoint: `https://fcm.googleapis.com/fcm/send/${name}`,
  keys: { p256dh: `BPk${name.replace(/[^A-Za-z0-9]/g, '')}key`, auth: 'c2VjcmV0LWF1dGg' }
});

const subscriptionsOf = async (customerId: number) =>
  (await app.db.select({ endpoint: pushSubscriptions.endpoint }).from(pushSubscriptions).where(eq(pushSubscriptions.customerId, customerId))).map((row) => row.endpoint).sort();

describe(`noticeSettings on ${driverName}`, () => {
  it("keeps each customer's choices apart, both channels by default", async () => {
    const a = await member();
    const b = await member();
    const everyTopic = await a.client.api.noticeSettings.get.query();
    expect(everyTopic).toHaveLength(6);
    expect(everyTopic.every((choice) => choice.push && choice.email)).toBe(true);

    await a.client.api.noticeSettings.set.mutate({ topic: 'reading', push: false, email: false });
    await a.client.api.noticeSettings.set.mutate({ topic: 'bill', push: true, email: false });
    await a.client.api.noticeSettings.set.mutate({ topic: 'bill', push: false, email: true });
    const chosen = await a.client.api.noticeSettings.get.query();
    expect(chosen.find((choice) => choice.topic === 'reading')).toEqual({ topic: 'reading', push: false, email: false });
    expect(chosen.find((choice) => choice.topic === 'bill')).toEqual({ topic: 'bill', push: false, email: true });
    expect((await b.client.api.noticeSettings.get.query()).every((choice) => choice.push && choice.email)).toBe(true);

    const unknownTopic = await failureOf(a.client.api.noticeSettings.set.mutate({ topic: 'lottery' as 'bill', push: true, email: true }));
    expect(unknownTopic.code).toBe('BAD_REQUEST');
    expect(await app.db.select().from(noticePreferences).where(eq(noticePreferences.customerId, a.customerId))).toHaveLength(2);
  });

  it('gives the VAPID public key, the same on every call', async () => {
    const { client } = await member();
    const { publicKey } = await client.api.noticeSettings.pushKey.query();
    expect(Buffer.from(publicKey, 'base64url')).toHaveLength(65);
    expect(await client.api.noticeSettings.pushKey.query()).toEqual({ publicKey });
  });

  it("keeps a device's subscription for whoever subscribed last on it, and unsubscribes only the caller's", async () => {
    const a = await member();
    const b = await member();
    await a.client.api.noticeSettings.subscribe.mutate(subscription('phone'));
    await a.client.api.noticeSettings.subscribe.mutate(subscription('phone'));
    await a.client.api.noticeSettings.subscribe.mutate(subscription('tablet'));
    expect(await subscriptionsOf(a.customerId)).toEqual([subscription('phone').endpoint, subscription('tablet').endpoint]);

    // A shared phone: the next customer who turns push on there takes it over.
    await b.client.api.noticeSettings.subscribe.mutate(subscription('phone'));
    expect(await subscriptionsOf(a.customerId)).toEqual([subscription('tablet').endpoint]);
    expect(await subscriptionsOf(b.customerId)).toEqual([subscription('phone').endpoint]);

    await b.client.api.noticeSettings.unsubscribe.mutate({ endpoint: subscription('tablet').endpoint });
    expect(await subscriptionsOf(a.customerId)).toEqual([subscription('tablet').endpoint]);
    await a.client.api.noticeSettings.unsubscribe.mutate({ endpoint: subscription('tablet').endpoint });
    expect(await subscriptionsOf(a.customerId)).toEqual([]);
  });

  it('refuses a subscription that is not https or whose keys are not base64url, and records nothing', async () => {
    const { client, customerId } = await member();
    const bad = [
      { ...subscription('x'), endpoint: 'http://fcm.googleapis.com/fcm/send/x' },
      { ...subscription('x'), endpoint: 'javascript:alert(1)' },
      { ...subscription('x'), endpoint: `https://fcm.googleapis.com/${'a'.repeat(2000)}` },
      { ...subscription('x'), keys: { p256dh: 'not base64!', auth: 'c2VjcmV0' } },
      { ...subscription('x'), keys: { p256dh: 'BPk', auth: 'a'.repeat(101) } }
    ];
    for (const input of bad) expect((await failureOf(client.api.noticeSettings.subscribe.mutate(input))).code).toBe('BAD_REQUEST');
    expect(await subscriptionsOf(customerId)).toEqual([]);
  });

  it('refuses an endpoint that is not a browser push service, with the reason next to it, and records nothing', async () => {
    const { client, customerId } = await member();
    const internal = [
      'https://127.0.0.1:5432/',
      'https://10.0.0.1/',
      'https://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'https://0x7f000001/',
      'https://2130706433/',
      'https://127.1/',
      'https://user:pass@127.0.0.1/',
      'https://metadata.google.internal/computeMetadata/v1/',
      'https://[::1]/',
      'https://fcm.googleapis.com:8443/fcm/send/x',
      'https://user:pass@fcm.googleapis.com/fcm/send/x',
      'https://fcm.googleapis.com.evil.example/fcm/send/x',
      'https://push.example.net/send/x'
    ];
    for (const endpoint of internal) {
      const refused = await failureOf(client.api.noticeSettings.subscribe.mutate({ ...subscription('x'), endpoint }));
      expect(refused, endpoint).toMatchObject({
        code: 'BAD_REQUEST',
        field: 'endpoint',
        reason: { ja: 'この送り先にはプッシュ通知を送れません（ブラウザーのプッシュサービスではありません）', en: 'Push notices cannot be sent to this address (it is not a browser push service)' }
      });
    }
    expect(await subscriptionsOf(customerId)).toEqual([]);
  });

  it('records the session that subscribed a device, and moves the device to the session that subscribes it again', async () => {
    const { client, customerId } = await member();
    const sessionOf = async (endpoint: string) =>
      (await app.db.select({ session: pushSubscriptions.sessionTokenHash }).from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, endpoint)))[0]?.session;
    const sessionsNow = async () => (await app.db.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.customerId, customerId))).map((row) => row.hash);
    const [first] = await sessionsNow();
    await client.api.noticeSettings.subscribe.mutate(subscription('resubscribed'));
    expect(await sessionOf(subscription('resubscribed').endpoint)).toBe(first);

    // Signed in again on the same device (log-in ends the session it presented): the app hands the subscription over again.
    const [email] = (await app.db.select({ email: customers.email }).from(customers).where(eq(customers.id, customerId))).map((row) => row.email);
    await client.api.auth.login.mutate({ email: email!, password: TEST_PASSWORD });
    expect(await sessionOf(subscription('resubscribed').endpoint), 'gone with the session that ended').toBeUndefined();
    await client.api.noticeSettings.subscribe.mutate(subscription('resubscribed'));
    const [second] = await sessionsNow();
    expect(second).not.toBe(first);
    expect(await sessionOf(subscription('resubscribed').endpoint)).toBe(second);

    // A second device of the same customer takes the endpoint over into its own session.
    const other = app.client();
    await other.api.auth.login.mutate({ email: email!, password: TEST_PASSWORD });
    await other.api.noticeSettings.subscribe.mutate(subscription('resubscribed'));
    const third = (await sessionsNow()).find((hash) => hash !== second);
    expect(await sessionOf(subscription('resubscribed').endpoint)).toBe(third);
    expect(await subscriptionsOf(customerId)).toEqual([subscription('resubscribed').endpoint]);
  });

  it(`keeps at most ${MAX_PUSH_DEVICES} devices per account, dropping the longest-held`, async () => {
    const { client, customerId } = await member();
    for (let index = 0; index <= MAX_PUSH_DEVICES; index += 1) await client.api.noticeSettings.subscribe.mutate(subscription(`device${index}`));
    const kept = await subscriptionsOf(customerId);
    expect(kept).toHaveLength(MAX_PUSH_DEVICES);
    expect(kept).not.toContain(subscription('device0').endpoint);
  });

  it('answers only a signed-in customer', async () => {
    const stranger = app.client();
    expect((await failureOf(stranger.api.noticeSettings.get.query())).code).toBe('UNAUTHORIZED');
    expect((await failureOf(stranger.api.noticeSettings.subscribe.mutate(subscription('anon')))).code).toBe('UNAUTHORIZED');
  });
});
