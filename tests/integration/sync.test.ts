import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { billColumns, paymentColumns, readingColumns, type Column } from '../../src/lib/shared/billing-rows.js';
import { SYNC_FORMAT, type PullResponse } from '../../src/lib/shared/sync-wire.js';
import { importFiles, type ImportFile } from '../../server/features/imports/service.js';
import { signUp, startApp, type App, type Client } from './support/app.js';
import { driverName, serverUrl } from './support/database.js';
import { demoUtility, headers, importRules, noticeRules, writeCsv } from './support/import-files.js';
import { signInStaff } from './support/staff.js';

let app: App;
let emailCount = 0;
const newEmail = () => `sync${(emailCount += 1)}@example.jp`;

const importLines = async (kind: ImportFile['kind'], lines: string[]) => {
  const result = await importFiles({ db: app.db, now: new Date() }, [{ kind, path: writeCsv([headers[kind], ...lines]) }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
  expect(result.status).not.toBe('rejected');
};

/** Two years of monthly readings and bills for a faucet. */
function history(faucetNo: string, from = 2025, months = 24, usage = 20) {
  const readingLines: string[] = [];
  const billLines: string[] = [];
  for (let month = 0; month < months; month += 1) {
    const period = `${from + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    readingLines.push(`${faucetNo},${period},${period}-14,${1000 + month * usage},${usage},`);
    billLines.push(`${faucetNo},${period},${usage},4000,3000,7000,636,${period}-16,,`);
  }
  return { readingLines, billLines };
}

beforeAll(async () => {
  app = await startApp();
  await importLines('customers', [
    '70000001,名寄 一郎,,01654-2-7001,名寄市西1条,,,,2020-04-01,,transfer',
    '70000002,前の 住人,,01654-2-7002,名寄市西2条,,,,2018-04-01,,transfer',
    '70000003,名寄 三郎,,01654-2-7003,名寄市西3条,,,,2020-04-01,,invoice',
    '70000004,名寄 四郎,,01654-2-7004,名寄市西4条,,,,2020-04-01,,invoice',
    '70000005,名寄 五郎,,01654-2-7005,名寄市西5条,,,,2020-04-01,,invoice',
    '70000006,名寄 六郎,,01654-2-7006,名寄市西6条,,,,2020-04-01,,invoice'
  ]);
  // The billing system may send the meter's size and the tariff district (optional columns); 70000001's are 20 mm and furen.
  const withMeterSize = writeCsv([`${headers.customers},meter_size_mm,district`, '70000001,名寄 一郎,,01654-2-7001,名寄市西1条,,,,2020-04-01,,transfer,２０,furen']);
  const sized = await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: withMeterSize }], {
    rules: { ...importRules, districts: ['furen'] },
    notices: noticeRules,
    ranBy: 'test'
  });
  expect(sized.files[0]).toMatchObject({ updated: 1, warnings: [] });
  for (const faucetNo of ['70000001', '70000002', '70000003', '70000004', '70000005', '70000006']) {
    const { readingLines, billLines } = history(faucetNo);
    await importLines('readings', readingLines);
    await importLines('bills', billLines);
  }
});

afterAll(async () => {
  await app.close();
});

async function member(faucetNo: string, phone: string): Promise<Client> {
  const client = app.client();
  await signUp(app, client, newEmail(), { faucetNo, phone });
  return client;
}

const pull = (client: Client, cursor: number | null, knownLinks: number[] = []) =>
  client.api.sync.pull.query({ format: SYNC_FORMAT, cursor, knownLinks });

describe(`sync.pull on ${driverName}`, () => {
  it('sends the whole visible history first, then only a cursor when nothing changed', async () => {
    const client = await member('70000001', '01654-2-7001');
    const first = await pull(client, null);
    expect(first.faucets).toMatchObject([
      { faucetNo: '70000001', holderName: '名寄 一郎', fromPeriod: '2020-04', toPeriod: null, paymentMethod: 'transfer', meterSizeMm: 20, district: 'furen' }
    ]);
    expect(first.readings).toHaveLength(24);
    expect(first.bills).toHaveLength(24);
    expect(first.readings![0]).toEqual(['70000001', '2025-01', '2025-01-14', 10000, 200, null]);

    // The history travels gzipped to a device that accepts it.
    const input = encodeURIComponent(JSON.stringify({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }));
    const raw = await fetch(`${app.baseUrl}/api/trpc/sync.pull?input=${input}`, {
      headers: { Cookie: `session=${client.cookies.get('session')}`, 'Accept-Encoding': 'gzip' }
    });
    expect(raw.headers.get('content-encoding')).toBe('gzip');
    expect((await raw.json()).result.data.readings).toHaveLength(24);

    const again = await pull(client, first.cursor, [first.faucets![0]!.linkId]);
    expect(again).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });
    expect(JSON.stringify(again).length).toBeLessThan(100);

    // Nothing changed: a few bytes, sent as they are (gzip would only make them longer), with their length.
    const noopInput = encodeURIComponent(JSON.stringify({ format: SYNC_FORMAT, cursor: first.cursor, knownLinks: [first.faucets![0]!.linkId] }));
    const noop = await fetch(`${app.baseUrl}/api/trpc/sync.pull?input=${noopInput}`, {
      headers: { Cookie: `session=${client.cookies.get('session')}`, 'Accept-Encoding': 'gzip' }
    });
    const noopBody = await noop.text();
    expect(noop.headers.get('content-encoding')).toBeNull();
    expect(Number(noop.headers.get('content-length'))).toBe(Buffer.byteLength(noopBody));
    expect(JSON.parse(noopBody)).toEqual({ result: { data: again } });
  });

  it('brings a corrected bill at the next pull, and only that bill', async () => {
    const client = await member('70000003', '01654-2-7003');
    const first = await pull(client, null);
    await importLines('bills', ['70000003,2026-12,20,4100,3000,7100,645,2026-12-16,,']);
    const next = await pull(client, first.cursor, [first.faucets![0]!.linkId]);
    expect(next.bills).toEqual([['70000003', '2026-12', 200, 4100, 3000, 7100, 645, '2026-12-16', null, null]]);
    expect(next.readings).toBeUndefined();
    expect(next.faucets).toBeUndefined();
  });

  it("never sends a new holder the previous holder's periods, and closes the previous holder's window", async () => {
    const previous = await member('70000002', '01654-2-7002');
    const before = await pull(previous, null);
    expect(before.readings).toHaveLength(24);

    await importLines('customers', ['70000002,新しい 住人,,01654-2-7222,名寄市西2条,,,,2026-04-01,,invoice']);
    const newcomer = await member('70000002', '01654-2-7222');
    const theirs = await pull(newcomer, null);
    expect(theirs.faucets).toMatchObject([{ fromPeriod: '2026-04', toPeriod: null }]);
    expect(theirs.readings!.map((row) => row[1])).toEqual(['2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11', '2026-12']);
    expect(theirs.bills!.every((row) => row[1] >= '2026-04')).toBe(true);

    const after = await pull(previous, before.cursor, [before.faucets![0]!.linkId]);
    expect(after.faucets).toMatchObject([{ fromPeriod: '2018-04', toPeriod: '2026-03' }]);

    // A correction in the previous holder's periods changes the faucet the newcomer holds too.
    await importLines('bills', ['70000002,2025-06,20,4100,3000,7100,645,2025-06-16,,']);
    expect(await pull(newcomer, theirs.cursor, [theirs.faucets![0]!.linkId])).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });
    const corrected = await pull(previous, after.cursor, [before.faucets![0]!.linkId]);
    expect(corrected.bills).toEqual([['70000002', '2025-06', 200, 4100, 3000, 7100, 645, '2025-06-16', null, null]]);
  });

  it('after pulls that found nothing new, still brings the next reading and payment', async () => {
    await importLines('customers', ['70000007,名寄 七郎,,01654-2-7007,名寄市西7条,,,,2020-04-01,,transfer']);
    const client = await member('70000007', '01654-2-7007');
    const first = await pull(client, null);
    const known = first.faucets!.map((faucet) => faucet.linkId);
    expect(first.readings).toBeUndefined();
    const quiet = await pull(client, first.cursor, known);
    expect(quiet).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });
    const stillQuiet = await pull(client, quiet.cursor, known);
    expect(stillQuiet).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });

    await importLines('readings', ['70000007,2026-12,2026-12-14,1000,20,']);
    await importLines('payments', ['70000007,2026-12,7000,transfer,paid,2026-12-26']);
    const next = await pull(client, stillQuiet.cursor, known);
    expect(next.readings).toEqual([['70000007', '2026-12', '2026-12-14', 10000, 200, null]]);
    expect(next.payments).toEqual([['70000007', '2026-12', 7000, 'transfer', 'paid', '2026-12-26']]);
    expect(next.bills).toBeUndefined();
    expect(next.faucets).toBeUndefined();
  });

  it('drops an unlinked faucet from the list and sends a newly added one in full', async () => {
    const client = await member('70000004', '01654-2-7004');
    const first = await pull(client, null);
    const [own] = first.faucets!;
    await client.api.faucets.add.mutate({ faucetNo: '70000005', phone: '01654-2-7005', label: '実家', consent: true });
    await client.api.faucets.remove.mutate({ linkId: own!.linkId });
    const next = await pull(client, first.cursor, [own!.linkId]);
    expect(next.faucets).toMatchObject([{ faucetNo: '70000005', label: '実家' }]);
    expect(next.readings).toHaveLength(24);
    expect(new Set(next.readings!.map((row) => row[0]))).toEqual(new Set(['70000005']));
  });

  it('brings a meter value with one decimal in tenths, as usage', async () => {
    await importLines('customers', ['70000008,名寄 八郎,,01654-2-7008,名寄市西8条,,,,2020-04-01,,transfer']);
    const client = await member('70000008', '01654-2-7008');
    const first = await pull(client, null);
    await importLines('readings', ['70000008,2027-01,2027-01-14,1014.5,14.5,']);
    const next = await pull(client, first.cursor, [first.faucets![0]!.linkId]);
    expect(next.readings).toEqual([['70000008', '2027-01', '2027-01-14', 10145, 145, null]]);
  });

  it('sends every field of a row at its column list\'s place', async () => {
    await importLines('customers', ['70000010,名寄 十郎,,01654-2-7010,名寄市西10条,,,,2020-04-01,,transfer']);
    await importLines('readings', ['70000010,2027-02,2027-02-13,1234.5,67.8,2027-03-14']);
    await importLines('bills', ['70000010,2027-02,67.8,4321,2345,6666,606,2027-02-16,2027-03-10,2027-03-26']);
    await importLines('payments', ['70000010,2027-02,6666,counter,paid,2027-03-01']);
    const { readings, bills, payments } = await pull(await member('70000010', '01654-2-7010'), null);
    // What each line above says, by the file's column names: no two values alike, so a swap shows.
    const byName = (columns: readonly Column[], tuple: unknown[] | undefined) =>
      Object.fromEntries(columns.map((column, index) => [column.csv, tuple?.[index]]));
    expect(byName(readingColumns, readings?.[0])).toEqual({
      faucet_no: '70000010',
      period: '2027-02',
      reading_date: '2027-02-13',
      meter_value: 12345,
      usage_m3: 678,
      next_reading_date: '2027-03-14'
    });
    expect(byName(billColumns, bills?.[0])).toEqual({
      faucet_no: '70000010',
      period: '2027-02',
      usage_m3: 678,
      water_charge: 4321,
      sewer_charge: 2345,
      total: 6666,
      tax: 606,
      issue_date: '2027-02-16',
      due_date: '2027-03-10',
      transfer_date: '2027-03-26'
    });
    expect(byName(paymentColumns, payments?.[0])).toEqual({
      faucet_no: '70000010',
      period: '2027-02',
      amount: 6666,
      method: 'counter',
      result: 'paid',
      paid_on: '2027-03-01'
    });
  });

  it("brings the customer's procedures when filed and when staff move them, and nobody else's", async () => {
    await importLines('customers', [
      '70000012,名寄 十二郎,,01654-2-7012,名寄市西12条,,,,2020-04-01,,transfer',
      '70000013,名寄 十三郎,,01654-2-7013,名寄市西13条,,,,2020-04-01,,transfer'
    ]);
    const client = await member('70000012', '01654-2-7012');
    const first = await pull(client, null);
    expect(first.procedures).toBeUndefined();
    const linkId = first.faucets![0]!.linkId;
    const clientId = randomUUID();
    const filed = await client.api.procedures.file.mutate({ clientId, linkId, kind: 'paper-slip', fields: {} });

    const afterFiling = await pull(client, first.cursor, [linkId]);
    expect(afterFiling.procedures).toEqual([
      expect.objectContaining({ receiptNo: filed.receiptNo, clientId, kind: 'paper-slip', faucetNo: '70000012', status: 'received', history: [expect.objectContaining({ status: 'received' })] })
    ]);
    expect(await pull(client, afterFiling.cursor, [linkId])).toEqual({ format: SYNC_FORMAT, cursor: expect.any(Number) });

    const clerk = await signInStaff(app, 'clerk');
    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'processing', note: '確認中です' });
    const afterMove = await pull(client, afterFiling.cursor, [linkId]);
    expect(afterMove.procedures).toMatchObject([{ receiptNo: filed.receiptNo, status: 'processing', staffNote: '確認中です', history: [{ status: 'received' }, { status: 'processing', note: '確認中です' }] }]);
    expect(afterMove.notices).toMatchObject([{ topic: 'procedure', facts: { receiptNo: filed.receiptNo } }]);

    const stranger = await member('70000013', '01654-2-7013');
    expect((await pull(stranger, null)).procedures).toBeUndefined();
  });

  it('tells a device on another sync format to start over, one on the whole-number meter format too', async () => {
    const client = await member('70000006', '01654-2-7006');
    for (const format of [SYNC_FORMAT + 1, 1]) {
      expect(await client.api.sync.pull.query({ format, cursor: 5, knownLinks: [] })).toEqual({
        format: SYNC_FORMAT,
        cursor: 0,
        reset: true
      });
    }
  });
});

describe.runIf(serverUrl)('sync.pull while two writers commit out of order', () => {
  it('never lets a cursor pass a version whose transaction has not committed yet', async () => {
    const client = app.client();
    await importLines('customers', ['70000009,名寄 九郎,,01654-2-7009,名寄市西9条,,,,2020-04-01,,transfer']);
    await signUp(app, client, newEmail(), { faucetNo: '70000009', phone: '01654-2-7009' });
    const start = await pull(client, null);
    const known = start.faucets!.map((faucet) => faucet.linkId);

    // Two connections stand for two app processes writing at once.
    const asApp = { max: 1, onnotice: () => {}, connection: { 'app.utility': demoUtility } };
    const slow = postgres(app.databaseUrl!, asApp);
    const fast = postgres(app.databaseUrl!, asApp);
    try {
      const faucetId = (await slow`select id from faucets where faucet_no = '70000009'`)[0]!.id as number;
      const insert = (sql: postgres.TransactionSql | postgres.Sql, period: string) =>
        sql`insert into readings (faucet_id, period, reading_date, meter_value, usage_tenths)
            values (${faucetId}, ${period}, ${`${period}-14`}, 1, 10)`;
      let releaseSlow!: () => void;
      const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
      let slowWrote!: () => void;
      const slowHasWritten = new Promise<void>((resolve) => (slowWrote = resolve));
      // The slow writer takes its transaction id (its version) first and commits last.
      const slowTransaction = slow.begin(async (sql) => {
        await insert(sql, '2030-01');
        slowWrote();
        await slowMayCommit;
      });
      await slowHasWritten;
      await fast.begin((sql) => insert(sql, '2030-02'));

      const during: PullResponse = await pull(client, start.cursor, known);
      releaseSlow();
      await slowTransaction;
      const after: PullResponse = await pull(client, during.cursor, known);

      const seen = [...(during.readings ?? []), ...(after.readings ?? [])].map((row) => row[1]);
      expect(seen.sort()).toEqual(['2030-01', '2030-02']);
      expect(during.readings ?? []).toEqual([]);
    } finally {
      await slow.end();
      await fast.end();
    }
  });
});
