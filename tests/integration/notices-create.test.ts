import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import type { NoticeFacts, NoticeTopic } from '../../src/lib/shared/notices.js';
import { shiftPeriod } from '../../src/lib/shared/periods.js';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { openDatabase, selectRows, type Database } from '../../server/db/client.js';
import { noticePreferences } from '../../server/db/schema.js';
import { firstVisiblePeriod, lastVisiblePeriod } from '../../server/domain/visibility.js';
import { featuredFaucets, type DemoOptions } from '../../server/demo/generate.js';
import { importKinds } from '../../server/domain/import-rows.js';
import { importFiles, type ImportFile } from '../../server/features/imports/service.js';
import { inWindow } from '../../server/features/contracts/period-window.js';
import { makeTransferNotices } from '../../server/jobs/transfer-notices.js';
import { driverName, lockWaiters, serverUrl, useMigratedDatabase } from './support/database.js';
import { billLine, customerLine, demoUtility, headers, importRules, noticeRules, readingLine, writeCsv } from './support/import-files.js';
import { jumpsOver, linkCustomer, writeDemoImport } from './support/notices.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const options = { rules: importRules, notices: noticeRules, ranBy: 'test' };

function importLines(db: Database, kind: ImportFile['kind'], lines: string[]) {
  return importFiles({ db, now: new Date() }, [{ kind, path: writeCsv([headers[kind], ...lines]) }], options);
}

/** An account linked to the faucet, with `devices` made-up subscriptions (nothing is sent in this file). */
function link(db: Database, email: string, faucetNo: string, devices = 0): Promise<number> {
  const fake = Array.from({ length: devices }, (_, device) => ({ endpoint: `https://push.example/${email}/${device}`, keys: { p256dh: 'key', auth: 'auth' } }));
  return linkCustomer(db, email, faucetNo, fake);
}

interface NoticeRow {
  id: number;
  email: string;
  topic: NoticeTopic;
  period: string;
  facts: NoticeFacts;
  createdAt: string;
}

const noticesOf = (db: Database) =>
  selectRows<NoticeRow>(
    db,
    sql`select n.id, c.email, n.topic, n.period, n.facts, n.created_at::text as "createdAt"
      from notices n join customers c on c.id = n.customer_id order by c.email, n.topic, n.period, n.id`
  );

/** Every notice as "email topic period", in a stable order. */
const noticeKeys = async (db: Database) => (await noticesOf(db)).map((notice) => `${notice.email} ${notice.topic} ${notice.period}`);

/** Every delivery as "email topic period channel[device]". */
async function deliveryKeys(db: Database): Promise<string[]> {
  const rows = await selectRows<{ key: string }>(
    db,
    sql`select c.email || ' ' || n.topic || ' ' || n.period || ' ' || d.channel || coalesce(' ' || s.endpoint, '') as key
      from notice_deliveries d join notices n on n.id = d.notice_id join customers c on c.id = d.customer_id
      left join push_subscriptions s on s.id = d.subscription_id
      where d.state = 'pending' and d.due_at = d.created_at and d.created_at = n.created_at
      order by 1`
  );
  return rows.map((row) => row.key);
}

const count = async (db: Database, table: 'notices' | 'notice_deliveries') =>
  (await selectRows<{ count: number }>(db, sql.raw(`select count(*)::int as count from ${table}`)))[0]!.count;

describe(`notices made by imports on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('makes a reading and a bill notice for each linked customer, queued on the channels each allows', async () => {
    const { db } = database;
    expect((await importLines(db, 'customers', ['40000001', '40000002', '40000003', '40000004'].map((no) => customerLine(no, '2020-04-01')))).status).toBe(
      'imported'
    );
    await link(db, 'a@example.jp', '40000001', 2);
    const b = await link(db, 'b@example.jp', '40000002');
    const c = await link(db, 'c@example.jp', '40000003', 2);
    // b has no device, chose both channels for readings and neither for bills; c chose push only for bills.
    await db.insert(noticePreferences).values([
      { customerId: b, topic: 'reading', push: true, email: true },
      { customerId: b, topic: 'bill', push: false, email: false },
      { customerId: c, topic: 'bill', push: true, email: false }
    ]);

    const result = await importFiles(
      { db, now: new Date() },
      [
        { kind: 'readings', path: writeCsv([headers.readings, ...['40000001', '40000002', '40000003', '40000004'].map((no) => readingLine(no, '2026-01', 21))]) },
        { kind: 'bills', path: writeCsv([headers.bills, ...['40000001', '40000002', '40000003', '40000004'].map((no) => billLine(no, '2026-01'))]) }
      ],
      options
    );
    expect(result.status).toBe('imported');

    // 40000004 has no account: nobody hears of it.
    expect(await noticeKeys(db)).toEqual([
      'a@example.jp bill 2026-01',
      'a@example.jp reading 2026-01',
      'b@example.jp bill 2026-01',
      'b@example.jp reading 2026-01',
      'c@example.jp bill 2026-01',
      'c@example.jp reading 2026-01'
    ]);
    const notices = await noticesOf(db);
    expect(notices.find((notice) => notice.email === 'a@example.jp' && notice.topic === 'reading')!.facts).toEqual({
      topic: 'reading',
      faucetNo: '40000001',
      period: '2026-01',
      readingDate: '2026-01-14',
      usageTenths: 210
    } satisfies NoticeFacts);
    expect(notices.find((notice) => notice.email === 'a@example.jp' && notice.topic === 'bill')!.facts).toEqual({
      topic: 'bill',
      faucetNo: '40000001',
      period: '2026-01',
      total: 7000,
      dueDate: '2026-01-28',
      transferDate: '2026-01-26',
      corrected: false
    } satisfies NoticeFacts);
    // Dated by the import's clock, as its run record is.
    const [run] = await selectRows<{ startedAt: string }>(db, sql`select max(started_at)::text as "startedAt" from import_runs`);
    expect(new Set(notices.map((notice) => notice.createdAt))).toEqual(new Set([run!.startedAt]));

    expect(await deliveryKeys(db)).toEqual([
      'a@example.jp bill 2026-01 email',
      'a@example.jp bill 2026-01 push https://push.example/a@example.jp/0',
      'a@example.jp bill 2026-01 push https://push.example/a@example.jp/1',
      'a@example.jp reading 2026-01 email',
      'a@example.jp reading 2026-01 push https://push.example/a@example.jp/0',
      'a@example.jp reading 2026-01 push https://push.example/a@example.jp/1',
      'b@example.jp reading 2026-01 email',
      'c@example.jp bill 2026-01 push https://push.example/c@example.jp/0',
      'c@example.jp bill 2026-01 push https://push.example/c@example.jp/1',
      'c@example.jp reading 2026-01 email',
      'c@example.jp reading 2026-01 push https://push.example/c@example.jp/0',
      'c@example.jp reading 2026-01 push https://push.example/c@example.jp/1'
    ]);
  });

  it('tells each holder of a faucet only about the periods of their own contract', async () => {
    const { db } = database;
    await importLines(db, 'customers', [customerLine('40000001', '2020-04-01')]);
    await link(db, 'old@example.jp', '40000001');
    // A new holder from 15 June: the old contract ends on the 14th, June's reading is still the old holder's.
    await importLines(db, 'customers', [customerLine('40000001', '2025-06-15')]);
    await link(db, 'new@example.jp', '40000001');

    await importLines(db, 'readings', ['2025-05', '2025-06', '2025-07'].map((period) => readingLine('40000001', period, 20)));

    expect(await noticeKeys(db)).toEqual(['new@example.jp reading 2025-07', 'old@example.jp reading 2025-05', 'old@example.jp reading 2025-06']);
  });

  it('says nothing again for a re-imported file or a corrected reading, and one 訂正 notice for a corrected bill', async () => {
    const { db } = database;
    await importLines(db, 'customers', [customerLine('40000001', '2020-04-01')]);
    await link(db, 'a@example.jp', '40000001', 1);
    const readings = [readingLine('40000001', '2026-01', 20)];
    const bills = [billLine('40000001', '2026-01', 7000)];
    await importLines(db, 'readings', readings);
    await importLines(db, 'bills', bills);
    const before = { notices: await count(db, 'notices'), deliveries: await count(db, 'notice_deliveries') };
    expect(before).toEqual({ notices: 2, deliveries: 4 });

    expect((await importLines(db, 'readings', readings)).status).toBe('unchanged');
    expect((await importLines(db, 'bills', bills)).status).toBe('unchanged');
    expect((await importLines(db, 'readings', [readingLine('40000001', '2026-01', 23)])).status).toBe('imported');
    expect({ notices: await count(db, 'notices'), deliveries: await count(db, 'notice_deliveries') }).toEqual(before);

    expect((await importLines(db, 'bills', [billLine('40000001', '2026-01', 7500)])).status).toBe('imported');
    const billFacts = (await noticesOf(db)).filter((notice) => notice.topic === 'bill').map((notice) => notice.facts);
    expect(billFacts).toMatchObject([
      { total: 7000, corrected: false },
      { total: 7500, corrected: true }
    ]);
    expect(await count(db, 'notice_deliveries')).toBe(before.deliveries + 2);
  });

  it('makes a 振替不能 notice when a payment fails, not when a failed one is corrected', async () => {
    const { db } = database;
    await importLines(db, 'customers', [customerLine('40000001', '2020-04-01'), customerLine('40000002', '2020-04-01')]);
    await link(db, 'a@example.jp', '40000001');
    await link(db, 'b@example.jp', '40000002');

    await importLines(db, 'payments', ['40000001,2026-01,7000,transfer,failed,', '40000002,2026-01,7000,transfer,paid,2026-02-26']);
    expect(await noticeKeys(db)).toEqual(['a@example.jp transfer-failed 2026-01']);
    expect((await noticesOf(db))[0]!.facts).toEqual({ topic: 'transfer-failed', faucetNo: '40000001', period: '2026-01', amount: 7000 } satisfies NoticeFacts);

    // The billing system corrects b's payment to failed, and a's failed amount.
    await importLines(db, 'payments', ['40000001,2026-01,7100,transfer,failed,', '40000002,2026-01,7000,transfer,failed,']);
    expect(await noticeKeys(db)).toEqual(['a@example.jp transfer-failed 2026-01', 'b@example.jp transfer-failed 2026-01']);
  });

  it('makes nothing for a rejected file', async () => {
    const { db } = database;
    await importLines(db, 'customers', [customerLine('40000001', '2020-04-01')]);
    await link(db, 'a@example.jp', '40000001');
    const result = await importLines(db, 'readings', [readingLine('40000001', '2026-01', 20), readingLine('40000001', '2026-02', 20, '31')]);
    expect(result.status).toBe('rejected');
    expect({ notices: await count(db, 'notices'), deliveries: await count(db, 'notice_deliveries') }).toEqual({ notices: 0, deliveries: 0 });
  });

  it('alerts on the demo leak month and not on a winter peak', async () => {
    const { db } = database;
    // Ending in February: the leak month is a winter month, and every faucet has its frost peak.
    const demo: DemoOptions = { faucets: 40, months: 24, seed: 1, endPeriod: '2026-02', tariff: profile.tariff, closingDays: profile.closingDays };
    const file = await writeDemoImport(demo);
    await importFiles({ db, now: new Date() }, [file('customers')], options);
    const faucetNos = await selectRows<{ faucetNo: string }>(db, sql`select faucet_no as "faucetNo" from faucets order by faucet_no`);
    for (const { faucetNo } of faucetNos) await link(db, `${faucetNo}@example.jp`, faucetNo);

    const result = await importFiles({ db, now: new Date() }, importKinds.filter((kind) => kind !== 'customers').map(file), options);
    expect(result.status).toBe('imported');

    const leak = featuredFaucets(demo).find((faucet) => faucet.story === 'leak')!;
    const alerts = (await noticesOf(db)).filter((notice) => notice.topic === 'usage-alert');
    expect(alerts.map((alert) => `${alert.email} ${alert.period}`)).toEqual([`${leak.faucetNo}@example.jp 2026-02`]);
    const facts = alerts[0]!.facts as Extract<NoticeFacts, { topic: 'usage-alert' }>;
    expect(facts.usageTenths).toBeGreaterThanOrEqual(4 * facts.lastYearUsageTenths);

    // The winter peaks are real jumps: against autumn they pass both thresholds, against last winter they do not.
    const winterJumps = await jumpsOver(db, '2026-02', '2025-10');
    expect(winterJumps.filter((faucetNo) => faucetNo !== leak.faucetNo).length).toBeGreaterThan(0);
  });

  it('counts a contract window in SQL exactly as the sync does', async () => {
    const { db } = database;
    const contracts = [
      ['2024-03-01', null],
      ['2024-03-02', '2025-01-01'],
      ['2024-01-31', '2024-12-31'],
      ['2024-02-29', '2024-03-01'],
      ['2023-12-31', null]
    ] as const;
    const periods = Array.from({ length: 30 }, (_, index) => shiftPeriod('2023-11', index));
    for (const [start, end] of contracts) {
      const rows = await selectRows<{ period: string; visible: boolean }>(
        db,
        sql`select p.period, ${sql.raw(inWindow('p.period'))} as visible
          from (select ${start}::date as contract_start, ${end}::date as contract_end) c
          cross join unnest(${sql.raw(`array[${periods.map((period) => `'${period}'`).join(', ')}]`)}::text[]) as p(period)
          order by p.period`
      );
      const from = firstVisiblePeriod(start);
      const to = lastVisiblePeriod(end);
      expect(rows, `${start}–${end}`).toEqual(periods.map((period) => ({ period, visible: period >= from && (to === null || period <= to) })));
    }
  });
});

describe(`口座振替のお知らせ on ${driverName}`, () => {
  const database = useMigratedDatabase();
  // 00:30 on Friday 24 July 2026 in Tokyo: three days before Monday the 27th.
  const friday = new Date('2026-07-23T15:30:00Z');

  async function setUp(db: Database) {
    await importLines(db, 'customers', ['40000001', '40000002', '40000003'].map((no) => customerLine(no, '2020-04-01')));
    await link(db, 'a@example.jp', '40000001', 1);
    await link(db, 'b@example.jp', '40000002');
    await link(db, 'c@example.jp', '40000003');
    // a's transfer date is a Sunday, debited on Monday; b's is a week later; c has paid at the counter.
    await importLines(db, 'bills', [billLine('40000001', '2026-06', 7000, '2026-07-26'), billLine('40000002', '2026-06', 7000, '2026-08-03'), billLine('40000003', '2026-06', 7000, '2026-07-27')]);
    await importLines(db, 'payments', ['40000003,2026-06,7000,counter,paid,2026-07-20']);
    await db.execute(sql`delete from notices`);
  }

  it('announces the debit date moved to a business day, the profile’s days before it, once', async () => {
    const { db } = database;
    await setUp(db);
    expect(await makeTransferNotices(db, profile, new Date('2026-07-23T14:30:00Z'))).toBe(0);
    expect(await makeTransferNotices(db, profile, friday)).toBe(1);
    const [notice] = await noticesOf(db);
    expect(notice).toMatchObject({ email: 'a@example.jp', topic: 'transfer', period: '2026-06', createdAt: expect.stringContaining('2026-07-23') });
    expect(notice!.facts).toEqual({ topic: 'transfer', faucetNo: '40000001', period: '2026-06', total: 7000, transferDate: '2026-07-27' } satisfies NoticeFacts);
    expect(await deliveryKeys(db)).toEqual(['a@example.jp transfer 2026-06 email', 'a@example.jp transfer 2026-06 push https://push.example/a@example.jp/0']);

    // Later runs, the same day and after a server that was down over the weekend, find it made.
    expect(await makeTransferNotices(db, profile, new Date(friday.getTime() + 3600_000))).toBe(0);
    expect(await makeTransferNotices(db, profile, new Date('2026-07-26T01:00:00Z'))).toBe(0);
    expect(await noticeKeys(db)).toEqual(['a@example.jp transfer 2026-06']);
    expect(await count(db, 'notice_deliveries')).toBe(2);
  });

  it('catches up a day missed while no server ran, until the debit', async () => {
    const { db } = database;
    await setUp(db);
    expect(await makeTransferNotices(db, profile, new Date('2026-07-27T01:00:00Z'))).toBe(0);
    expect(await makeTransferNotices(db, profile, new Date('2026-07-26T01:00:00Z'))).toBe(1);
  });

  it.runIf(serverUrl)('makes each notice once when several processes run the job at the same moment', async () => {
    const { db, testDb } = database;
    await setUp(db);
    const processes = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ databaseUrl: testDb.url!, utility: demoUtility })));
    const gate = postgres(testDb.url!, { max: 1, onnotice: () => {} });
    try {
      // All four runs wait at the notices table until the gate opens, then insert at once.
      let runs: Promise<number[]> | undefined;
      await gate.begin(async (locked) => {
        await locked`lock table notices in exclusive mode`;
        runs = Promise.all(processes.map((server) => makeTransferNotices(server.db, profile, friday)));
        await lockWaiters(testDb.url!, processes.length, runs);
      });
      const made = await runs!;
      expect(made.reduce((sum, each) => sum + each, 0)).toBe(1);
    } finally {
      await gate.end();
      await Promise.all(processes.map((server) => server.close()));
    }
    expect(await noticeKeys(db)).toEqual(['a@example.jp transfer 2026-06']);
    expect(await count(db, 'notice_deliveries')).toBe(2);
  });
});
