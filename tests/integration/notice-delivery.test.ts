import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { noticeText, type NoticeFacts } from '../../src/lib/shared/notices.js';
import type { PushPayload } from '../../src/lib/shared/push-payload.js';
import { selectRows, type Database } from '../../server/db/client.js';
import { noticePreferences } from '../../server/db/schema.js';
import { importKinds } from '../../server/domain/import-rows.js';
import { featuredFaucets, type DemoOptions } from '../../server/demo/generate.js';
import { importFiles, type ImportFile } from '../../server/features/imports/service.js';
import { runNoticeWorkerOnce } from '../../server/jobs/notice-worker.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { billLine, customerLine, headers, importRules, noticeRules, readingLine, writeCsv } from './support/import-files.js';
import { jumpsOver, linkCustomer, useDeliveryServices, writeDemoImport } from './support/notices.js';

/**
 * The whole path of a notice: billing files imported by the real importFiles make notices and
 * queue deliveries, the real worker sends them through web-push to a push service that checks
 * VAPID and decrypts, and by nodemailer to an SMTP server; the test reads what arrived there.
 * The import dates its notices by the clock, so the test sets the clock (Date only; timers run).
 */
const options = { rules: importRules, notices: noticeRules, ranBy: 'test' };
const ORIGIN = 'https://portal.example.jp';
/** 10:00 on a Friday in Tokyo: outside the demo profile's quiet hours (21:00–08:00). */
const morning = new Date('2026-11-27T10:00:00+09:00');
const nothing = { sent: 0, retried: 0, failed: 0, gone: 0 };

/** Runs the worker with the clock at `now`, as a server would whose clock read that. */
function runWorkerAt(deps: Parameters<typeof runNoticeWorkerOnce>[0], now: Date) {
  vi.setSystemTime(now);
  return runNoticeWorkerOnce(deps, now);
}

/** Imports the files with the clock at `now`. */
function importAt(db: Database, now: Date, files: ImportFile[]) {
  return importFiles({ db, now }, files, options);
}

const linked = {
  a: ['40000001'],
  b: ['40000002'],
  c: ['40000003'],
  // One account with several faucets: one digest mail per import lists them all.
  d: ['40000004', '40000005', '40000006'],
  e: ['40000007']
};
const devicesOf = { a: 2, b: 1, c: 1, d: 1, e: 0 };
type Who = keyof typeof linked;
/** Imported, in the files, and linked to nobody: nobody hears of it. */
const unlinked = '40000008';
const allFaucets = [...Object.values(linked).flat(), unlinked];

const usage = (faucetNo: string) => 10 + Number(faucetNo.slice(-1));
const total = (faucetNo: string) => 6000 + 10 * Number(faucetNo.slice(-1));
const readingFacts = (faucetNo: string): NoticeFacts => ({ topic: 'reading', faucetNo, period: '2026-10', readingDate: '2026-10-14', usageTenths: usage(faucetNo) * 10 });
const billFacts = (faucetNo: string): NoticeFacts => ({
  topic: 'bill',
  faucetNo,
  period: '2026-10',
  total: total(faucetNo),
  dueDate: '2026-10-28',
  transferDate: '2026-10-26',
  corrected: false
});

describe(`notices from import to device and mailbox (${driverName})`, () => {
  const database = useMigratedDatabase();
  const services = useDeliveryServices(database);
  afterEach(() => {
    vi.useRealTimers();
  });

  /** The faucets, their accounts and devices, and the choices: b push only for readings and e-mail only for bills, c nothing for bills. */
  async function setUp(db: Database) {
    expect((await importAt(db, morning, [{ kind: 'customers', path: writeCsv([headers.customers, ...allFaucets.map((no) => customerLine(no, '2020-04-01'))]) }])).status).toBe('imported');
    const ids = {} as Record<Who, number>;
    const endpoints = {} as Record<Who, string[]>;
    for (const who of Object.keys(linked) as Who[]) {
      const devices = Array.from({ length: devicesOf[who] }, () => services.push.subscribe());
      endpoints[who] = devices.map((device) => device.endpoint);
      for (const [index, faucetNo] of linked[who].entries()) ids[who] = await linkCustomer(db, `${who}@example.jp`, faucetNo, index === 0 ? devices : []);
    }
    await db.insert(noticePreferences).values([
      { customerId: ids.b, topic: 'reading', push: true, email: false },
      { customerId: ids.b, topic: 'bill', push: false, email: true },
      { customerId: ids.c, topic: 'bill', push: false, email: false }
    ]);
    return endpoints;
  }

  const octoberFiles = (): ImportFile[] => [
    { kind: 'readings', path: writeCsv([headers.readings, ...allFaucets.map((no) => readingLine(no, '2026-10', usage(no)))]) },
    { kind: 'bills', path: writeCsv([headers.bills, ...allFaucets.map((no) => billLine(no, '2026-10', total(no)))]) }
  ];

  /** The id of the notice of `topic` about the faucet made for `who`: the push's tag names it. */
  async function noticeIds(db: Database): Promise<Map<string, number>> {
    const rows = await selectRows<{ key: string; id: number }>(
      db,
      sql`select split_part(c.email, '@', 1) || ' ' || n.topic || ' ' || (n.facts->>'faucetNo') as key, n.id
        from notices n join customers c on c.id = n.customer_id`
    );
    return new Map(rows.map((row) => [row.key, row.id]));
  }

  /** What every device should have received for October's files, from the setup's choices alone. */
  async function expectedPushes(db: Database, endpoints: Record<Who, string[]>) {
    const ids = await noticeIds(db);
    const contact = { section: services.deps.config.profile.section, phone: services.deps.config.profile.phone };
    const pushed: Record<Who, NoticeFacts['topic'][]> = { a: ['reading', 'bill'], b: ['reading'], c: ['reading'], d: ['reading', 'bill'], e: [] };
    return (Object.keys(linked) as Who[]).flatMap((who) =>
      endpoints[who].flatMap((endpoint) =>
        linked[who].flatMap((faucetNo) =>
          pushed[who].map((topic) => {
            const facts = topic === 'reading' ? readingFacts(faucetNo) : billFacts(faucetNo);
            const payload: PushPayload = {
              web_push: 8030,
              notification: {
                ...noticeText(facts, 'ja', contact),
                navigate: `${ORIGIN}/history?faucet=${faucetNo}`,
                lang: 'ja',
                tag: `notice-${ids.get(`${who} ${topic} ${faucetNo}`)}`,
                // Every notice the account has is unread, whichever channels it chose.
                app_badge: 2 * linked[who].length
              }
            };
            return { endpoint, payload };
          })
        )
      )
    );
  }

  const byEndpointAndTag = (push: { endpoint: string; payload: unknown }) => `${push.endpoint} ${(push.payload as PushPayload).notification.tag}`;
  const sortedPushes = (pushes: { endpoint: string; payload: unknown }[]) =>
    pushes.map(({ endpoint, payload }) => ({ endpoint, payload })).toSorted((x, y) => byEndpointAndTag(x).localeCompare(byEndpointAndTag(y)));

  /** Each mail as its recipient, the notices it lists ("title faucet", in the Japanese part) and its last line. */
  async function mails() {
    return Promise.all(
      services.smtp.received.map(async (mail) => {
        const text = (await simpleParser(mail.raw)).text!;
        const listed = [...text.matchAll(/^■ (\S+)\n水栓番号 (\d+)・/gm)].map((match) => `${match[1]} ${match[2]}`);
        return { to: mail.rcptTo.join(','), listed: listed.toSorted(), lastLine: text.trimEnd().split('\n').at(-1) };
      })
    );
  }

  const expectedMails = () => {
    const listed = (faucetNos: string[], topics: ('検針のお知らせ' | '料金のお知らせ')[]) => faucetNos.flatMap((no) => topics.map((title) => `${title} ${no}`)).toSorted();
    const both = ['検針のお知らせ', '料金のお知らせ'] as const;
    const lastLine = `お知らせの受け取り方の変更 / Choose how notices reach you: ${ORIGIN}/settings`;
    return [
      { to: 'a@example.jp', listed: listed(linked.a, [...both]), lastLine },
      { to: 'b@example.jp', listed: listed(linked.b, ['料金のお知らせ']), lastLine },
      { to: 'c@example.jp', listed: listed(linked.c, ['検針のお知らせ']), lastLine },
      { to: 'd@example.jp', listed: listed(linked.d, [...both]), lastLine },
      { to: 'e@example.jp', listed: listed(linked.e, [...both]), lastLine }
    ];
  };

  it('delivers exactly what each customer chose, to each device and mailbox, once; a re-import sends nothing', async () => {
    const { db } = database;
    const { push, smtp, deps } = services;
    const endpoints = await setUp(db);
    expect((await importAt(db, morning, octoberFiles())).status).toBe('imported');

    const expected = await expectedPushes(db, endpoints);
    const report = await runWorkerAt(deps, morning);

    expect(push.refused).toEqual([]);
    expect(sortedPushes(push.received)).toEqual(sortedPushes(expected));
    expect(expected.length, 'a: 2 devices × 2, b and c: 1 reading, d: 3 faucets × 2').toBe(12);
    expect((await mails()).toSorted((x, y) => x.to.localeCompare(y.to))).toEqual(expectedMails());
    expect(smtp.received.some((mail) => mail.raw.includes(unlinked))).toBe(false);
    // One delivery row per push and per notice mailed: a's 2, b's 1, c's 1, d's 6, e's 2.
    expect(report).toEqual({ ...nothing, sent: expected.length + 12 });

    // The billing system sends the same files again, and the worker runs again an hour later.
    expect((await importAt(db, new Date(morning.getTime() + 3600_000), octoberFiles())).status).toBe('unchanged');
    expect(await runWorkerAt(deps, new Date(morning.getTime() + 3600_000))).toEqual(nothing);
    expect(push.received).toHaveLength(expected.length);
    expect(smtp.received).toHaveLength(5);
  });

  it('holds what an import made at night until 08:00 in Tokyo, then sends all of it', async () => {
    const { db } = database;
    const { push, smtp, deps } = services;
    const endpoints = await setUp(db);
    const night = new Date('2026-11-27T22:30:00+09:00');
    expect((await importAt(db, night, octoberFiles())).status).toBe('imported');

    expect(await runWorkerAt(deps, night)).toEqual(nothing);
    expect(await runWorkerAt(deps, new Date('2026-11-28T07:59:59+09:00'))).toEqual(nothing);
    expect(push.received).toHaveLength(0);
    expect(smtp.received).toHaveLength(0);

    const expected = await expectedPushes(db, endpoints);
    expect((await runWorkerAt(deps, new Date('2026-11-28T08:00:00+09:00'))).sent).toBe(expected.length + 12);
    expect(sortedPushes(push.received)).toEqual(sortedPushes(expected));
    expect((await mails()).toSorted((x, y) => x.to.localeCompare(y.to))).toEqual(expectedMails());
  });

  it('sends a usage alert for the demo’s leak month and none for a winter peak', async () => {
    const { db } = database;
    const { push, smtp, deps } = services;
    // Ending in February: the leak month is a winter month, and every faucet has its frost peak.
    const demo: DemoOptions = { faucets: 40, months: 24, seed: 1, endPeriod: '2026-02', tariff: deps.config.profile.tariff, closingDays: deps.config.profile.closingDays };
    const file = await writeDemoImport(demo);
    await importAt(db, morning, [file('customers')]);
    const faucetNos = (await selectRows<{ faucetNo: string }>(db, sql`select faucet_no as "faucetNo" from faucets order by faucet_no`)).map((row) => row.faucetNo);
    const endpointOf = new Map<string, string>();
    for (const faucetNo of faucetNos) {
      const device = push.subscribe();
      endpointOf.set(faucetNo, device.endpoint);
      const customerId = await linkCustomer(db, `${faucetNo}@example.jp`, faucetNo, [device]);
      // Two years of readings and bills at once would be thousands of messages: these customers asked for usage alerts only.
      await db.insert(noticePreferences).values(
        (['reading', 'bill', 'transfer', 'transfer-failed', 'procedure'] as const).map((topic) => ({ customerId, topic, push: false, email: false }))
      );
    }

    expect((await importAt(db, morning, importKinds.filter((kind) => kind !== 'customers').map(file))).status).toBe('imported');
    await runWorkerAt(deps, morning);

    const leak = featuredFaucets(demo).find((faucet) => faucet.story === 'leak')!;
    const winterPeaks = (await jumpsOver(db, '2026-02', '2025-10')).filter((faucetNo) => faucetNo !== leak.faucetNo);
    expect(winterPeaks.length, 'winter peaks that would alert against autumn').toBeGreaterThan(0);
    expect(push.refused).toEqual([]);
    const [alert] = await selectRows<{ facts: NoticeFacts }>(db, sql`select facts from notices where topic = 'usage-alert'`);
    expect(alert!.facts).toMatchObject({ faucetNo: leak.faucetNo, period: '2026-02' });
    const text = noticeText(alert!.facts, 'ja', { section: deps.config.profile.section, phone: deps.config.profile.phone });
    expect(push.received.map(({ endpoint, payload }) => ({ endpoint, title: (payload as PushPayload).notification.title, body: (payload as PushPayload).notification.body }))).toEqual([
      { endpoint: endpointOf.get(leak.faucetNo), ...text }
    ]);
    expect(text.body).toContain('漏水');
    expect(smtp.received.map((mail) => mail.rcptTo.join(','))).toEqual([`${leak.faucetNo}@example.jp`]);
    const mail = await simpleParser(smtp.received[0]!.raw);
    expect(mail.subject).toContain(text.title);
    expect(mail.text).toContain(text.body);
  });
});
