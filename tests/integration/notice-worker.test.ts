import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { beforeEach, describe, expect, it } from 'vitest';
import { noticeText, type NoticeFacts } from '../../src/lib/shared/notices.js';
import { openDatabase, selectRows, type Database } from '../../server/db/client.js';
import { claimPushDeliveries } from '../../server/features/notices/deliveries.js';
import { runNoticeWorkerOnce, startNoticeWorker, type NoticeWorkerDeps } from '../../server/jobs/notice-worker.js';
import { quietHoursEnd } from '../../server/domain/quiet-hours.js';
import { createMailer } from '../../server/mail/transport.js';
import type { LookupAddress } from 'node:dns';
import type { Resolver } from '../../server/push/address-guard.js';
import { createPushSender, pushAgent } from '../../server/push/send.js';
import { createThreadedPushSender } from '../../server/push/send-threads.js';
import { vapidKeys } from '../../server/push/vapid.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { freshDataDir } from './support/server-process.js';
import { storeSubscription, useDeliveryServices, type SmtpServer } from './support/notices.js';
import { pushServiceCertificate, type PushService } from './support/push-service.js';
import { startSmtpServer } from './support/smtp-server.js';
import { demoUtility } from './support/import-files.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** 10:00 in Tokyo: outside the demo profile's quiet hours (21:00–08:00). */
const morning = new Date('2026-11-27T10:00:00+09:00');
const after = (at: Date, ms: number) => new Date(at.getTime() + ms);

const reading = (faucetNo: string, period = '2026-10'): NoticeFacts => ({
  topic: 'reading',
  faucetNo,
  period,
  readingDate: `${period}-20`,
  usageTenths: 215
});

describe(`notices worker (${driverName})`, () => {
  const database = useMigratedDatabase();
  const services = useDeliveryServices(database);
  let push: PushService;
  let smtp: SmtpServer;
  let deps: NoticeWorkerDeps;
  beforeEach(() => {
    ({ push, smtp, deps } = services);
  });

  async function customer(email: string): Promise<number> {
    const [row] = await selectRows<{ id: number }>(
      database.db,
      sql`insert into customers (email, nickname, password_hash, created_at) values (${email}, 'なよろ', 'x', now()) returning id`
    );
    return row!.id;
  }

  async function subscription(db: Database, customerId: number): Promise<{ id: number; endpoint: string }> {
    const device = push.subscribe();
    return { id: await storeSubscription(db, customerId, device), endpoint: device.endpoint };
  }

  /** A notice as the import would make it, with its deliveries (created and due at `at`). */
  async function notice(
    customerId: number,
    facts: NoticeFacts,
    to: { email?: boolean; subscriptions?: number[] },
    at = morning,
    read = false
  ): Promise<number> {
    const [row] = await selectRows<{ id: number }>(
      database.db,
      sql`insert into notices (customer_id, topic, period, facts, created_at, read_at)
        values (${customerId}, ${facts.topic}, ${'period' in facts ? facts.period : null}, ${JSON.stringify(facts)}::jsonb,
          ${at.toISOString()}::timestamptz, ${read ? at.toISOString() : null}::timestamptz) returning id`
    );
    const noticeId = row!.id;
    const targets: (number | null)[] = [...(to.email ? [null] : []), ...(to.subscriptions ?? [])];
    for (const subscriptionId of targets) {
      await database.db.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
        values (${noticeId}, ${customerId}, ${subscriptionId === null ? 'email' : 'push'}, ${subscriptionId},
          ${at.toISOString()}::timestamptz, ${at.toISOString()}::timestamptz)`);
    }
    return noticeId;
  }

  /** On PostgreSQL another connection pool, as another app process has; PGlite has one connection (undefined: use the test's). */
  async function secondPool() {
    return database.testDb.url ? openDatabase({ databaseUrl: database.testDb.url, utility: demoUtility }) : undefined;
  }

  /** `count` customers (c0@…), each with two phones and a notice of each faucet queued to both (and by e-mail when asked); their phones' endpoints. */
  async function customersWithTwoPhones(count: number, faucets: string[], email: boolean): Promise<string[]> {
    const phones: string[] = [];
    for (let index = 0; index < count; index += 1) {
      const id = await customer(`c${index}@example.jp`);
      const subscriptions = [await subscription(database.db, id), await subscription(database.db, id)];
      phones.push(...subscriptions.map((device) => device.endpoint));
      for (const faucetNo of faucets) await notice(id, reading(faucetNo), { email, subscriptions: subscriptions.map((device) => device.id) });
    }
    return phones;
  }

  async function deliveries() {
    return selectRows<{ id: number; channel: string; state: string; attempts: number; due_at: Date | string; sent_at: Date | string | null; last_error: string | null; lease_until: Date | string | null }>(
      database.db,
      sql`select id, channel, state, attempts, due_at, sent_at, last_error, lease_until from notice_deliveries order by id`
    );
  }

  it('pushes a notice: the decrypted payload is its text, page, tag and the unread count, signed with the portal key', async () => {
    const taro = await customer('taro@example.jp');
    const phone = await subscription(database.db, taro);
    const facts: NoticeFacts = { topic: 'bill', faucetNo: '6000-0001', period: '2026-10', total: 6380, dueDate: null, transferDate: '2026-11-26', corrected: false };
    await notice(taro, reading('6000-0001'), {}, morning, true);
    await notice(taro, reading('6000-0002'), {});
    const id = await notice(taro, facts, { subscriptions: [phone.id] });

    const report = await runNoticeWorkerOnce(deps, morning);

    expect(report).toEqual({ sent: 1, retried: 0, failed: 0, gone: 0 });
    expect(push.refused).toEqual([]);
    const [received] = push.to(phone.endpoint);
    const contact = { section: deps.config.profile.section, phone: deps.config.profile.phone };
    expect(received!.payload).toEqual({
      web_push: 8030,
      notification: {
        ...noticeText(facts, 'ja', contact),
        navigate: 'https://portal.example.jp/history?faucet=6000-0001',
        lang: 'ja',
        tag: `notice-${id}`,
        app_badge: 2
      }
    });
    expect(received!.vapidKey).toBe((await vapidKeys(database.db, deps.config)).publicKey);
    expect(received!.headers).toMatchObject({ ttl: '86400', urgency: 'normal' });
    const [row] = await deliveries();
    expect(row).toMatchObject({ state: 'sent', attempts: 1, lease_until: null });
    expect(new Date(row!.sent_at!)).toEqual(morning);

    expect(await runNoticeWorkerOnce(deps, after(morning, HOUR)), 'a sent delivery is not sent again').toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });
    expect(push.received).toHaveLength(1);
  });

  it("badges each push of one batch with its own customer's unread count", async () => {
    const taro = await customer('taro@example.jp');
    const hanako = await customer('hanako@example.jp');
    const taroPhones = [await subscription(database.db, taro), await subscription(database.db, taro)];
    const hanakoPhone = await subscription(database.db, hanako);
    for (const faucetNo of ['6000-0001', '6000-0002', '6000-0003']) await notice(taro, reading(faucetNo), { subscriptions: taroPhones.map((phone) => phone.id) });
    await notice(hanako, reading('7000-0001'), { subscriptions: [hanakoPhone.id] });
    await notice(hanako, reading('7000-0002'), {}, morning, true);

    expect(await runNoticeWorkerOnce(deps, morning)).toEqual({ sent: 7, retried: 0, failed: 0, gone: 0 });
    const badges = (endpoint: string) => push.to(endpoint).map((received) => (received.payload as { notification: { app_badge: number } }).notification.app_badge);
    for (const phone of taroPhones) expect(badges(phone.endpoint)).toEqual([3, 3, 3]);
    expect(badges(hanakoPhone.endpoint)).toEqual([1]);
  });

  it('mails each customer one digest of every notice due, ending with the settings link', async () => {
    const taro = await customer('taro@example.jp');
    const hanako = await customer('hanako@example.jp');
    const faucets = Array.from({ length: 20 }, (_, index) => `6000-${String(index + 1).padStart(4, '0')}`);
    for (const faucetNo of faucets) await notice(taro, reading(faucetNo), { email: true });
    await notice(hanako, reading('7000-0001'), { email: true });

    const report = await runNoticeWorkerOnce(deps, morning, { batch: 500, concurrency: 50, leaseMs: 5 * MINUTE, pollMs: 1000 });

    expect(report).toEqual({ sent: 21, retried: 0, failed: 0, gone: 0 });
    expect(smtp.received.map((mail) => mail.rcptTo).toSorted()).toEqual([['hanako@example.jp'], ['taro@example.jp']]);
    const taroMail = await simpleParser(smtp.received.find((mail) => mail.rcptTo[0] === 'taro@example.jp')!.raw);
    expect(taroMail.subject).toBe('【名寄市上下水道室】お知らせ 20件');
    for (const faucetNo of faucets) expect(taroMail.text).toContain(`水栓番号 ${faucetNo}・2026年10月分`);
    expect(taroMail.text!.trimEnd().split('\n').at(-1)).toBe('お知らせの受け取り方の変更 / Choose how notices reach you: https://portal.example.jp/settings');
    expect((await deliveries()).every((row) => row.state === 'sent')).toBe(true);
  });

  it('splits no customer between two mails when a claim takes few customers at a time', async () => {
    const customers = await Promise.all(['a@example.jp', 'b@example.jp', 'c@example.jp'].map(customer));
    for (const id of customers) for (const faucetNo of ['6000-0001', '6000-0002', '6000-0003']) await notice(id, reading(faucetNo), { email: true });

    const report = await runNoticeWorkerOnce(deps, morning, { batch: 1, concurrency: 1, leaseMs: 5 * MINUTE, pollMs: 1000 });

    expect(report.sent).toBe(9);
    expect(smtp.received).toHaveLength(3);
  });

  it('holds deliveries made in the quiet hours and sends them when the quiet hours end', async () => {
    const taro = await customer('taro@example.jp');
    const phone = await subscription(database.db, taro);
    const night = new Date('2026-11-27T22:30:00+09:00');
    await notice(taro, reading('6000-0001'), { email: true, subscriptions: [phone.id] }, night);

    expect(await runNoticeWorkerOnce(deps, night)).toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });
    expect(await runNoticeWorkerOnce(deps, new Date('2026-11-28T07:59:59+09:00'))).toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });
    expect(push.received).toHaveLength(0);
    expect(smtp.received).toHaveLength(0);
    expect((await deliveries()).map((row) => row.attempts), 'nothing was even claimed').toEqual([0, 0]);

    expect(await runNoticeWorkerOnce(deps, new Date('2026-11-28T08:00:00+09:00'))).toEqual({ sent: 2, retried: 0, failed: 0, gone: 0 });
    expect(push.received).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
  });

  it.each([410, 404])('drops a subscription whose push service answers %i, and its deliveries with it', async (status) => {
    const taro = await customer('taro@example.jp');
    const oldPhone = await subscription(database.db, taro);
    const newPhone = await subscription(database.db, taro);
    push.answer(oldPhone.endpoint, status);
    await notice(taro, reading('6000-0001'), { subscriptions: [oldPhone.id, newPhone.id] });
    await notice(taro, reading('6000-0002'), { subscriptions: [oldPhone.id] }, after(morning, HOUR));

    expect(await runNoticeWorkerOnce(deps, morning)).toEqual({ sent: 1, retried: 0, failed: 0, gone: 1 });

    const left = await selectRows<{ id: number }>(database.db, sql`select id from push_subscriptions`);
    expect(left).toEqual([{ id: newPhone.id }]);
    expect(await deliveries()).toMatchObject([{ state: 'sent' }]);
    expect(push.to(newPhone.endpoint)).toHaveLength(1);
    expect(await runNoticeWorkerOnce(deps, after(morning, 2 * HOUR))).toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });
  });

  it('retries a push service that answers 500 with backoff, and marks the delivery failed after 24 hours', async () => {
    const taro = await customer('taro@example.jp');
    const phone = await subscription(database.db, taro);
    push.answer(phone.endpoint, 500);
    await notice(taro, reading('6000-0001'), { subscriptions: [phone.id] });

    expect(await runNoticeWorkerOnce(deps, morning)).toEqual({ sent: 0, retried: 1, failed: 0, gone: 0 });
    let [row] = await deliveries();
    expect(row).toMatchObject({ state: 'pending', attempts: 1, lease_until: null, last_error: 'push service answered 500' });
    expect(new Date(row!.due_at)).toEqual(after(morning, MINUTE));
    expect(await runNoticeWorkerOnce(deps, after(morning, 30_000)), 'not before its time').toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });

    // Retried each time it falls due: 1, 5, 15, 60, 60 … minutes apart, none in the night's quiet hours.
    let now = morning;
    const waits: number[] = [];
    const tries: Date[] = [];
    for (let attempt = 0; attempt < 100; attempt += 1) {
      [row] = await deliveries();
      if (row!.state !== 'pending') break;
      const due = quietHoursEnd(new Date(row!.due_at), deps.config.profile.quietHours);
      waits.push((due.getTime() - now.getTime()) / MINUTE);
      now = due;
      tries.push(due);
      expect((await runNoticeWorkerOnce(deps, now)).retried + (await deliveries()).filter((left) => left.state === 'failed').length).toBe(1);
    }
    expect(waits.slice(0, 5)).toEqual([1, 5, 15, 60, 60]);
    expect(tries, 'held through the night, tried again when the quiet hours end').toContainEqual(new Date('2026-11-28T08:00:00+09:00'));
    expect(row).toMatchObject({ state: 'failed', last_error: 'push service answered 500', sent_at: null });
    expect(now, 'the last try falls when the 24 hours end').toEqual(after(morning, 24 * HOUR));
    expect(push.refused.length).toBe(row!.attempts);
    expect(row!.attempts, 'the first try and one after each wait').toBe(waits.length + 1);
    expect(await selectRows(database.db, sql`select id from push_subscriptions`), 'a failing service is not a gone device').toHaveLength(1);
  });

  it('gives up at once on a mail the server refuses for good (5xx), and retries one it could not hand over', async () => {
    const refusing = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        callback(Object.assign(new Error(`<${address.address}>: mailbox unavailable`), { responseCode: 550 }));
      }
    });
    const silent = await startSmtpServer();
    await silent.stop();
    try {
      const taro = await customer('taro@example.jp');
      await notice(taro, reading('6000-0001'), { email: true });
      await notice(taro, reading('6000-0002'), { email: true });
      const through = (url: string) => {
        const config = { ...deps.config, smtpUrl: url };
        return { ...deps, mailer: createMailer({ ...config, dataDir: freshDataDir() }, deps.logger) };
      };

      expect(await runNoticeWorkerOnce(through(silent.url), morning)).toEqual({ sent: 0, retried: 2, failed: 0, gone: 0 });
      expect(await deliveries()).toMatchObject([
        { state: 'pending', attempts: 1 },
        { state: 'pending', attempts: 1 }
      ]);
      expect((await deliveries())[0]!.last_error).toContain('t***@example.jp');

      expect(await runNoticeWorkerOnce(through(refusing.url), after(morning, MINUTE))).toEqual({ sent: 0, retried: 0, failed: 2, gone: 0 });
      expect(await deliveries()).toMatchObject([
        { state: 'failed', attempts: 2 },
        { state: 'failed', attempts: 2 }
      ]);
      expect(refusing.received).toHaveLength(0);
    } finally {
      await refusing.stop();
    }
  });

  it('runs in the background once started, and stop() waits for the batch under way', async () => {
    const taro = await customer('taro@example.jp');
    const phone = await subscription(database.db, taro);
    const always = { ...deps, config: { ...deps.config, profile: { ...deps.config.profile, quietHours: { start: '00:00', end: '00:00' } } } };
    const worker = startNoticeWorker(always, { batch: 10, concurrency: 2, leaseMs: 5 * MINUTE, pollMs: 50 });
    try {
      await notice(taro, reading('6000-0001'), { email: true, subscriptions: [phone.id] }, new Date());
      // A pass begun after the notice was made, and one after it that found nothing left.
      await worker.idle();
    } finally {
      await worker.stop();
    }
    expect(push.to(phone.endpoint)).toHaveLength(1);
    expect(smtp.received).toHaveLength(1);
    await notice(taro, reading('6000-0002'), { subscriptions: [phone.id] }, new Date());
    // A worker still running would send this before it next found nothing to do.
    await worker.idle();
    expect(push.received, 'a stopped worker sends nothing').toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ state: 'sent' }, { state: 'sent' }, { state: 'pending', attempts: 0 }]);
  });

  it('claims again what a worker claimed and never finished, once its lease has run out', async () => {
    const taro = await customer('taro@example.jp');
    const phone = await subscription(database.db, taro);
    await notice(taro, reading('6000-0001'), { subscriptions: [phone.id] });

    // A worker claims the delivery and dies before it sends anything.
    const claimed = await claimPushDeliveries(database.db, morning, 10, 5 * MINUTE);
    expect(claimed).toHaveLength(1);

    expect(await runNoticeWorkerOnce(deps, after(morning, 4 * MINUTE)), 'the lease holds it').toEqual({ sent: 0, retried: 0, failed: 0, gone: 0 });
    expect(push.received).toHaveLength(0);
    expect(await runNoticeWorkerOnce(deps, after(morning, 6 * MINUTE))).toEqual({ sent: 1, retried: 0, failed: 0, gone: 0 });
    expect(push.to(phone.endpoint)).toHaveLength(1);
    expect(await deliveries()).toMatchObject([{ state: 'sent', attempts: 2, lease_until: null }]);
  });

  describe('sends to push services only', () => {
    /** A resolver that says every name is at `addresses`, and notes which names were asked. */
    function pointing(addresses: LookupAddress[]) {
      const asked: string[] = [];
      const resolve: Resolver = async (hostname) => {
        asked.push(hostname);
        return addresses;
      };
      return { asked, resolve };
    }

    async function storedAt(endpoint: string): Promise<number> {
      const taro = await customer('taro@example.jp');
      // Real device keys: web-push encrypts before it connects, so a connection is what stops it.
      const device = push.subscribe();
      const id = await storeSubscription(database.db, taro, { ...device, endpoint });
      await notice(taro, reading('6000-0001'), { subscriptions: [id] });
      return id;
    }

    it.each([
      ['loopback', [{ address: '127.0.0.1', family: 4 }]],
      ['the metadata service', [{ address: '169.254.169.254', family: 4 }]],
      ['IPv4-mapped loopback', [{ address: '::ffff:127.0.0.1', family: 6 }]],
      ['a private address among public ones', [{ address: '142.250.196.10', family: 4 }, { address: '10.0.0.5', family: 4 }]],
      ['an IPv6 ULA (AWS metadata)', [{ address: 'fd00:ec2::254', family: 6 }]]
    ])('refuses a push service name that resolves to %s: fails the delivery at once, connects nowhere', async (_, addresses) => {
      const endpoint = 'https://updates.push.services.mozilla.com/wpush/v2/rebound';
      await storedAt(endpoint);
      const resolver = pointing(addresses);
      const agent = pushAgent({ hosts: deps.config.pushServiceHosts, ca: pushServiceCertificate, resolve: resolver.resolve });
      try {
        expect(await runNoticeWorkerOnce({ ...deps, pushAgent: agent }, morning)).toEqual({ sent: 0, retried: 0, failed: 1, gone: 0 });
      } finally {
        agent.destroy();
      }
      expect(resolver.asked).toEqual(['updates.push.services.mozilla.com']);
      // Not tried again 27 times over 24 hours: the address is what is wrong, not the moment.
      expect(await deliveries()).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'push service address is not public' }]);
      expect(await selectRows(database.db, sql`select id from push_subscriptions`), 'the device may be reachable another day').toHaveLength(1);
    });

    it('does not connect to a private address under a name that is not listed, while a listed one reaches the push service', async () => {
      const device = push.subscribe();
      const { port } = new URL(push.origin);
      const viaName = { endpoint: device.endpoint.replace('127.0.0.1', 'localhost'), ...device.keys };
      const listed = [{ suffix: 'localhost', port: Number(port) }];
      const vapid = await vapidKeys(database.db, deps.config);
      const send = async (agentHosts: typeof listed) => {
        const resolver = pointing([{ address: '127.0.0.1', family: 4 }]);
        const agent = pushAgent({ hosts: agentHosts, ca: pushServiceCertificate, resolve: resolver.resolve });
        try {
          return { outcome: await createPushSender(vapid, listed, agent).send(viaName, { hello: 1 }), asked: resolver.asked };
        } finally {
          agent.destroy();
        }
      };

      // The endpoint passes the rule; the connection's own lookup is what refuses the address.
      expect(await send([])).toEqual({ outcome: { outcome: 'rejected', reason: 'push service address is not public' }, asked: ['localhost'] });
      expect([...push.received, ...push.refused], 'no request reached the push service').toEqual([]);

      const reached = await send(listed);
      expect(reached.asked).toEqual(['localhost']);
      expect(push.received.length + push.refused.length, 'listed in PUSH_SERVICE_HOSTS, the same address is reached').toBe(1);
    });

    it('sends nothing to an endpoint the push service hosts no longer allow, and does not retry it', async () => {
      const listedBefore = push.subscribe().endpoint;
      await storedAt(listedBefore);
      const narrowed = { ...deps, config: { ...deps.config, pushServiceHosts: [] } };

      expect(await runNoticeWorkerOnce(narrowed, morning)).toEqual({ sent: 0, retried: 0, failed: 1, gone: 0 });

      expect(await deliveries()).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'endpoint not a known push service' }]);
      expect([...push.received, ...push.refused]).toEqual([]);
    });

    it.each([301, 307, 308])('follows no redirect (%i): the delivery fails, and nothing else is asked', async (status) => {
      const taro = await customer('taro@example.jp');
      const phone = await subscription(database.db, taro);
      push.answer(phone.endpoint, status);
      await notice(taro, reading('6000-0001'), { subscriptions: [phone.id] });

      expect(await runNoticeWorkerOnce(deps, morning)).toEqual({ sent: 0, retried: 0, failed: 1, gone: 0 });

      expect(await deliveries()).toMatchObject([{ state: 'failed', attempts: 1, last_error: `push service redirected (${status}), not followed` }]);
      expect(push.refused).toEqual([{ endpoint: phone.endpoint, status, reason: 'told to refuse' }]);
    });
  });

  it('sends each delivery exactly once with two workers draining at the same time', async () => {
    const second = await secondPool();
    try {
      const phones = await customersWithTwoPhones(40, ['6000-0001', '6000-0002'], true);
      const small = { batch: 7, concurrency: 4, leaseMs: 5 * MINUTE, pollMs: 1000 };
      // On PostgreSQL the second worker is another connection pool, as another app process has; PGlite has one connection.
      const other = { ...deps, db: second?.db ?? database.db, pushAgent: pushAgent({ hosts: deps.config.pushServiceHosts, ca: pushServiceCertificate }) };

      const reports = await Promise.all([runNoticeWorkerOnce(deps, morning, small), runNoticeWorkerOnce(other, morning, small)]);
      other.pushAgent.destroy();

      expect(reports[0]!.sent + reports[1]!.sent).toBe(40 * 2 * 3);
      expect(push.received).toHaveLength(160);
      expect(new Set(push.received.map((received) => `${received.endpoint} ${(received.payload as { notification: { tag: string } }).notification.tag}`)).size).toBe(160);
      expect(phones.every((endpoint) => push.to(endpoint).length === 2)).toBe(true);
      const mailed = await Promise.all(
        smtp.received.flatMap(async (mail) => ((await simpleParser(mail.raw)).text!.match(/水栓番号 6000-000[12]/g) ?? []).map((faucet) => `${mail.rcptTo[0]} ${faucet}`))
      );
      expect(mailed.flat().toSorted(), 'every notice mailed once').toEqual(
        Array.from({ length: 40 }, (_, index) => [`c${index}@example.jp 水栓番号 6000-0001`, `c${index}@example.jp 水栓番号 6000-0002`]).flat().toSorted()
      );
      expect((await deliveries()).every((row) => row.state === 'sent' && row.attempts === 1)).toBe(true);
      if (second) expect(reports.every((report) => report.sent > 0), 'both workers did part of the work').toBe(true);
    } finally {
      await second?.close();
    }
  });
  describe('on the sending threads (as the app sends: no agent of the test in between)', () => {
    /** The worker as an app process runs it: pushes encrypted and sent on its threads, which trust the test's push service. */
    const threaded = (): NoticeWorkerDeps => ({ ...deps, pushAgent: undefined, pushServiceCa: pushServiceCertificate });

    it('sends each delivery exactly once with two workers draining at the same time, and records each in the database', async () => {
      const second = await secondPool();
      try {
        const phones = await customersWithTwoPhones(30, ['6000-0001'], false);
        const small = { batch: 7, concurrency: 4, leaseMs: 5 * MINUTE, pollMs: 1000 };
        const reports = await Promise.all([
          runNoticeWorkerOnce(threaded(), morning, small),
          runNoticeWorkerOnce({ ...threaded(), db: second?.db ?? database.db }, morning, small)
        ]);

        expect(reports[0]!.sent + reports[1]!.sent).toBe(60);
        expect(push.refused).toEqual([]);
        expect(phones.every((endpoint) => push.to(endpoint).length === 1), 'every phone got its push once').toBe(true);
        // Encrypted on the thread for that device's keys: the push service decrypted each payload.
        expect(push.received.every((received) => (received.payload as { notification: { tag: string } }).notification.tag !== undefined)).toBe(true);
        expect((await deliveries()).every((row) => row.state === 'sent' && row.attempts === 1 && row.lease_until === null)).toBe(true);
      } finally {
        await second?.close();
      }
    });

    it('keeps to the push service rules: an endpoint not allowed fails without a retry, and nothing is sent to it', async () => {
      const taro = await customer('taro@example.jp');
      const phone = await subscription(database.db, taro);
      await notice(taro, reading('6000-0001'), { subscriptions: [phone.id] });

      expect(await runNoticeWorkerOnce({ ...threaded(), config: { ...deps.config, pushServiceHosts: [] } }, morning)).toEqual({ sent: 0, retried: 0, failed: 1, gone: 0 });

      expect(await deliveries()).toMatchObject([{ state: 'failed', attempts: 1, last_error: 'endpoint not a known push service' }]);
      expect([...push.received, ...push.refused]).toEqual([]);
    });

    it('connects to no private address under a push service name, while a name listed in PUSH_SERVICE_HOSTS reaches it', async () => {
      const vapid = await vapidKeys(database.db, deps.config);
      const device = push.subscribe();
      const { port } = new URL(push.origin);
      const loopback = [{ address: '127.0.0.1', family: 4 }];
      const send = async (endpoint: string, hosts: { suffix: string; port: number }[]) => {
        const sender = createThreadedPushSender(vapid, hosts, { threads: 1, ca: pushServiceCertificate, resolveAs: new Map([[new URL(endpoint).hostname, loopback]]) });
        try {
          return await sender.send({ endpoint, ...device.keys }, { hello: 1 });
        } finally {
          await sender.close();
        }
      };

      expect(await send('https://updates.push.services.mozilla.com/wpush/v2/rebound', [])).toEqual({ outcome: 'rejected', reason: 'push service address is not public' });
      expect([...push.received, ...push.refused], 'no request reached the push service').toEqual([]);

      // The push service answers 403 (its VAPID audience is its address, not this name): it was reached.
      await send(device.endpoint.replace('127.0.0.1', 'localhost'), [{ suffix: 'localhost', port: Number(port) }]);
      expect(push.received.length + push.refused.length, 'listed in PUSH_SERVICE_HOSTS, the same address is reached').toBe(1);
    });
  });
});
