import { eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { bills, contracts, faucets, importRuns, readings } from '../../server/db/schema.js';
import { formatReport } from '../../server/features/imports/report.js';
import { IMPORT_LOCK_KEY, importFiles, type ImportFile } from '../../server/features/imports/service.js';
import { createMigratedTestDatabase, driverName, lockWaiters, serverUrl, useMigratedDatabase } from './support/database.js';
import { demoUtility, headers, importRules, noticeRules, snapshot, writeCsv } from './support/import-files.js';

const customerLines = [
  headers.customers,
  '10000001,髙橋 一郎,タカハシ イチロウ,01654-2-1234,名寄市西3条南5丁目①,,,,2020-04-01,,transfer',
  '10000002,"﨑山 商店, 代表 﨑山 花子",サキヤマ,090-1234-5678,"名寄市字日進123番地",﨑山 花子,096-0011,"名寄市東1条\r\n南2丁目",2021-04-01,,invoice'
];
const readingLines = [
  headers.readings,
  '10000001,2026-09,2026-09-14,100,20.5,2026-10-14',
  '10000001,2026-10,2026-10-14,121,21,2026-11-13',
  '10000002,2026-10,2026-10-15,50,3.2,'
];

describe(`imports on ${driverName}`, () => {
  const database = useMigratedDatabase();
  let db: Database;
  beforeEach(() => {
    db = database.db;
  });

  const run = (files: ImportFile[], dryRun = false) => importFiles({ db, now: new Date() }, files, { rules: importRules, notices: noticeRules, ranBy: 'test', dryRun });
  const customers = (lines = customerLines, options = {}): ImportFile => ({ kind: 'customers', path: writeCsv(lines, options) });

  async function loadBase() {
    const result = await run([customers(), { kind: 'readings', path: writeCsv(readingLines) }]);
    expect(result.status).toBe('imported');
  }

  it('imports customers and readings in one set, quoted commas and newlines included', async () => {
    await loadBase();
    // Whole rows, every column: two columns swapped in the import fail here, not only in the golden file.
    const faucetIds = new Map((await db.select().from(faucets)).map((faucet) => [faucet.faucetNo, faucet.id]));
    const stored = { utilityId: demoUtility, id: expect.any(Number), version: expect.any(Number), searchKey: expect.any(String) };
    expect(await db.select().from(contracts).orderBy(contracts.id)).toEqual([
      {
        ...stored,
        faucetId: faucetIds.get('10000001'),
        holderName: '髙橋 一郎',
        holderKana: 'タカハシ イチロウ',
        phone: '0165421234',
        supplyAddress: '名寄市西3条南5丁目①',
        billingName: null,
        billingPostalCode: null,
        billingAddress: null,
        contractStart: '2020-04-01',
        contractEnd: null,
        paymentMethod: 'transfer',
        meterSizeMm: null,
        district: null
      },
      {
        ...stored,
        faucetId: faucetIds.get('10000002'),
        holderName: '﨑山 商店, 代表 﨑山 花子',
        holderKana: 'サキヤマ',
        phone: '09012345678',
        supplyAddress: '名寄市字日進123番地',
        billingName: '﨑山 花子',
        billingPostalCode: '096-0011',
        billingAddress: '名寄市東1条\r\n南2丁目',
        contractStart: '2021-04-01',
        contractEnd: null,
        paymentMethod: 'invoice',
        meterSizeMm: null,
        district: null
      }
    ]);
    const version = expect.any(Number);
    expect(await db.select().from(readings).orderBy(readings.faucetId, readings.period)).toEqual([
      { utilityId: demoUtility, faucetId: faucetIds.get('10000001'), period: '2026-09', readingDate: '2026-09-14', meterValue: 100, usageTenths: 205, nextReadingDate: '2026-10-14', version },
      { utilityId: demoUtility, faucetId: faucetIds.get('10000001'), period: '2026-10', readingDate: '2026-10-14', meterValue: 121, usageTenths: 210, nextReadingDate: '2026-11-13', version },
      { utilityId: demoUtility, faucetId: faucetIds.get('10000002'), period: '2026-10', readingDate: '2026-10-15', meterValue: 50, usageTenths: 32, nextReadingDate: null, version }
    ]);
  });

  it('changes nothing when the same files come again: no new versions', async () => {
    await loadBase();
    const before = await snapshot(db);
    const again = await run([customers(), { kind: 'readings', path: writeCsv(readingLines) }]);
    expect(again.status).toBe('unchanged');
    expect(again.files.map((file) => [file.inserted, file.updated, file.unchanged])).toEqual([
      [0, 0, 2],
      [0, 0, 3]
    ]);
    expect(await snapshot(db)).toEqual(before);
  });

  it('replaces a corrected row with a new version and leaves the others alone', async () => {
    await loadBase();
    const before = await db.select().from(readings).orderBy(readings.faucetId, readings.period);
    const corrected = readingLines.map((line) => line.replace('2026-10-14,121,21,', '2026-10-14,122,22,'));
    const result = await run([{ kind: 'readings', path: writeCsv(corrected) }]);
    expect(result.files[0]).toMatchObject({ inserted: 0, updated: 1, unchanged: 2 });
    const after = await db.select().from(readings).orderBy(readings.faucetId, readings.period);
    expect(after[1]).toMatchObject({ meterValue: 122, usageTenths: 220 });
    expect(after[1]!.version).toBeGreaterThan(Math.max(...before.map((row) => row.version)));
    expect([after[0]!.version, after[2]!.version]).toEqual([before[0]!.version, before[2]!.version]);
  });

  // PGlite runs one transaction at a time: there two imports can only run one after the other.
  it.runIf(serverUrl)('runs two imports of the same file started at the same moment one after the other: one imports, the other finds it unchanged', async () => {
    await run([customers()]);
    const url = database.testDb.url!;
    // A second pool stands for a second process (cron beside a staff upload); a third connection
    // holds the imports' lock until both wait for it, so they start together whatever the machine's speed.
    const second = await openDatabase({ databaseUrl: url, utility: demoUtility });
    const holder = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(${IMPORT_LOCK_KEY}, hashtext(${demoUtility}))`;
      const file: ImportFile = { kind: 'readings', path: writeCsv(readingLines) };
      const options = { rules: importRules, notices: noticeRules, ranBy: 'test' };
      const both = Promise.all([db, second.db].map((each) => importFiles({ db: each, now: new Date() }, [file], options)));
      await lockWaiters(url, 2, both.catch(() => undefined));
      await holder`select pg_advisory_unlock(${IMPORT_LOCK_KEY}, hashtext(${demoUtility}))`;
      const results = await both;
      expect(results.map((result) => result.status).sort()).toEqual(['imported', 'unchanged']);
      expect(await db.select({ period: readings.period }).from(readings)).toHaveLength(readingLines.length - 1);
      expect(await db.select({ id: importRuns.id }).from(importRuns).where(eq(importRuns.kind, 'readings'))).toHaveLength(2);
    } finally {
      await holder.end();
      await second.close();
    }
  });

  it.runIf(serverUrl)("lets another utility import while an import of one utility waits for that utility's turn", async () => {
    const url = database.testDb.url!;
    const owner = await openDatabase({ databaseUrl: url, utility: demoUtility });
    const minami = await owner.forUtility('minami-test', 2);
    const holder = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(${IMPORT_LOCK_KEY}, hashtext(${demoUtility}))`;
      const result = await importFiles({ db: minami.db, now: new Date() }, [customers()], { rules: importRules, notices: noticeRules, ranBy: 'test' });
      expect(result.status).toBe('imported');
    } finally {
      await holder.end();
      await minami.close();
      await owner.close();
    }
  });

  it('imports a meter value with one decimal exactly', async () => {
    await loadBase();
    const result = await run([{ kind: 'readings', path: writeCsv([headers.readings, '10000001,2026-11,2026-11-14,1014.5,９．５,']) }]);
    expect(result.files[0]).toMatchObject({ inserted: 1 });
    const [row] = await db.select({ meterValue: readings.meterValue, usageTenths: readings.usageTenths }).from(readings).where(eq(readings.period, '2026-11'));
    expect(row).toEqual({ meterValue: 1014.5, usageTenths: 95 });
  });

  it('starts a new contract when contract_start moves forward, ending the old one the day before', async () => {
    await loadBase();
    const moved = [headers.customers, '10000001,名寄 次郎,ナヨロ ジロウ,01654-2-9999,名寄市西3条南5丁目①,,,,2026-10-01,,invoice'];
    const result = await run([customers(moved)]);
    expect(result.files[0]).toMatchObject({ inserted: 1, updated: 0 });
    const [faucet] = await db.select().from(faucets).where(eq(faucets.faucetNo, '10000001'));
    const history = await db
      .select({ holder: contracts.holderName, start: contracts.contractStart, end: contracts.contractEnd })
      .from(contracts)
      .where(eq(contracts.faucetId, faucet!.id))
      .orderBy(contracts.contractStart);
    expect(history).toEqual([
      { holder: '髙橋 一郎', start: '2020-04-01', end: '2026-09-30' },
      { holder: '名寄 次郎', start: '2026-10-01', end: null }
    ]);
  });

  it('updates the current contract in place when contract_start stays', async () => {
    await loadBase();
    const renamed = [headers.customers, '10000001,髙橋 一朗,タカハシ イチロウ,01654-2-1234,名寄市西3条南5丁目①,,,,2020-04-01,,transfer'];
    expect((await run([customers(renamed)])).files[0]).toMatchObject({ inserted: 0, updated: 1 });
    expect(await db.select({ count: sql<number>`count(*)::int` }).from(contracts)).toEqual([{ count: 2 }]);
  });

  it('imports a Shift_JIS file to exactly the rows of its UTF-8 twin, CP932 extension characters included', async () => {
    const viaUtf8 = await createMigratedTestDatabase();
    try {
      await importFiles({ db: viaUtf8.handle.db, now: new Date() }, [customers(customerLines)], { rules: importRules, notices: noticeRules, ranBy: 'test' });
      const sjis = await run([customers(customerLines, { encoding: 'sjis' })]);
      expect(sjis.files[0]).toMatchObject({ encoding: 'sjis', inserted: 2 });
      const utf8WithBom = await createMigratedTestDatabase();
      try {
        const bom = await importFiles({ db: utf8WithBom.handle.db, now: new Date() }, [customers(customerLines, { bom: true })], { rules: importRules, notices: noticeRules, ranBy: 'test' });
        expect(bom.files[0]).toMatchObject({ encoding: 'utf8', inserted: 2 });
        const rowsOf = (database: Database) =>
          database.select({ name: contracts.holderName, address: contracts.supplyAddress, billing: contracts.billingAddress }).from(contracts).orderBy(contracts.id);
        const expected = await rowsOf(viaUtf8.handle.db);
        expect(expected[0]).toMatchObject({ name: '髙橋 一郎', address: '名寄市西3条南5丁目①' });
        expect(await rowsOf(db)).toEqual(expected);
        expect(await rowsOf(utf8WithBom.handle.db)).toEqual(expected);
      } finally {
        await utf8WithBom.dispose();
      }
    } finally {
      await viaUtf8.dispose();
    }
  });

  it('records who ran an import, when, the SHA-256 of the file and its summary', async () => {
    await loadBase();
    const runs = await db.select().from(importRuns).orderBy(importRuns.id);
    expect(runs.map((row) => [row.kind, row.ranBy, row.rowsRead, row.inserted])).toEqual([
      ['customers', 'test', 2, 2],
      ['readings', 'test', 3, 3]
    ]);
    expect(runs[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(runs[0]!.finishedAt.getTime()).toBeGreaterThanOrEqual(runs[0]!.startedAt.getTime());
  });

  it('--dry-run reports what would change and changes nothing', async () => {
    await loadBase();
    const before = await snapshot(db);
    const corrected = readingLines.map((line) => line.replace(',121,21,', ',122,22,'));
    const result = await run([{ kind: 'readings', path: writeCsv(corrected) }], true);
    expect(result.status).toBe('dry-run');
    expect(result.files[0]).toMatchObject({ updated: 1, unchanged: 2 });
    expect(await snapshot(db)).toEqual(before);
    expect(await db.select({ count: sql<number>`count(*)::int` }).from(importRuns)).toEqual([{ count: 2 }]);
  });

  describe('a file with any bad line is rejected whole, every bad line reported, nothing changed', () => {
    const cases: [string, 'customers' | 'readings' | 'bills' | 'payments', string[], RegExp[]][] = [
      ['a date that does not exist', 'readings', [headers.readings, '10000001,2026-11,2025-02-30,130,9,'], [/^\s+2行目 reading_date「2025-02-30」: 存在しない日付です \/ line 2, reading_date "2025-02-30": not a real date$/m]],
      ['a period that is not YYYY-MM', 'readings', [headers.readings, '10000001,2026/11,2026-11-14,130,9,'], [/line 2, period "2026\/11": a period must be written YYYY-MM/]],
      ['usage with two decimals and negative usage', 'readings', [headers.readings, '10000001,2026-11,2026-11-14,130,9.25,', '10000002,2026-11,2026-11-14,60,-1,'], [/line 2, usage_m3 "9.25"/, /line 3, usage_m3 "-1"/]],
      ['a meter value with two decimals', 'readings', [headers.readings, '10000001,2026-11,2026-11-14,1014.55,9,'], [/^\s+2行目 meter_value「1014.55」: 指針は 0 以上、小数点以下 1 桁までの数で書いてください \/ line 2, meter_value "1014.55": a meter value must be 0 or more with at most one decimal$/m]],
      ['a faucet number of the wrong format', 'readings', [headers.readings, '1000001,2026-11,2026-11-14,130,9,'], [/line 2, faucet_no "1000001": the faucet number does not match/]],
      ['a faucet that is not known', 'readings', [headers.readings, '10000001,2026-11,2026-11-14,130,9,', '99999999,2026-11,2026-11-14,1,1,'], [/line 3, faucet_no "99999999": unknown faucet number/]],
      ['a key twice in one file', 'readings', [headers.readings, '10000001,2026-11,2026-11-14,130,9,', '１０００－０００１,2026-11,2026-11-15,131,10,'], [/line 3, faucet_no\+period "10000001 2026-11": the same key as line 2/]],
      ['a negative amount', 'bills', [headers.bills, '10000001,2026-10,21,-100,3000,2900,,2026-10-16,,'], [/line 2, water_charge "-100": an amount must be a whole number of yen, 0 or more/]],
      ['a total that is not water + sewer', 'bills', [headers.bills, '10000001,2026-10,21,4000,3000,7100,,2026-10-16,,'], [/line 2, total "7100": total is not water_charge \+ sewer_charge \(7000\)/]],
      ['a payment method and result off their lists', 'payments', [headers.payments, '10000001,2026-10,7000,card,ok,2026-11-26'], [/line 2, method "card": must be one of: transfer, convenience, counter, other/, /line 2, result "ok": must be one of: paid, failed/]],
      ['a line end inside a value, shown on the report line', 'payments', [headers.payments, '10000001,2026-10,7000,"transfer\r\nx",paid,2026-11-26'], [/^\s+\d+行目 method「transfer\\r\\nx」: .* \/ line \d+, method "transfer\\r\\nx": must be one of/m]],
      ['U+0000 in a name (PostgreSQL cannot store it)', 'customers', [headers.customers, '10000003,新\u0000顧客,,,,,,,2026-04-01,,transfer'], [/^\s+2行目 holder_name「新\\u0000顧客」: 制御文字（U\+0000 など）が含まれています \/ line 2, holder_name "新\\u0000顧客": contains a control character \(such as U\+0000\)$/m]],
      ['a payment_method off its list', 'customers', [headers.customers, '10000003,新 顧客,,,,,,,2026-04-01,,cash'], [/line 2, payment_method "cash": must be one of: transfer, invoice/]],
      ['contract_start moving backwards', 'customers', [headers.customers, '10000001,髙橋 一郎,,,,,,,2019-04-01,,transfer'], [/line 2, contract_start "2019-04-01": before the start of the current contract \(2020-04-01\)/]],
      ['a missing required column', 'readings', ['faucet_no,period,meter_value,usage_m3', '10000001,2026-11,130,9'], [/line 1, reading_date "": required column is missing/]],
      ['a line with too few fields', 'readings', [headers.readings, '10000001,2026-11,2026-11-14'], [/line 2, - "10000001,2026-11,2026-11-14": 3 fields where the header has 6/]],
      ['an unclosed quote', 'readings', [headers.readings, '10000001,2026-11,2026-11-14,130,9,', '10000002,"2026-11,2026-11-14,60,1,'], [/malformed CSV/]]
    ];

    it.each(cases)('%s', async (_name, kind, lines, expectedLines) => {
      await loadBase();
      const before = await snapshot(db);
      // A good customers file in the same set is rolled back with the bad file.
      const extra = [headers.customers, '10000009,追加 太郎,,,,,,,2026-04-01,,transfer'];
      const files: ImportFile[] = kind === 'customers' ? [] : [customers(extra)];
      files.push({ kind, path: writeCsv(lines) });
      const result = await run(files);
      expect(result.status).toBe('rejected');
      const report = formatReport(result);
      for (const expected of expectedLines) expect(report).toMatch(expected);
      expect(report).toContain('rejected: nothing was changed');
      expect(await snapshot(db)).toEqual(before);
      expect(await db.select({ count: sql<number>`count(*)::int` }).from(importRuns)).toEqual([{ count: 2 }]);
    });
  });

  describe('a file of thousands of bad lines: the first 1,000 listed, the rest counted by rule', () => {
    async function rejectedReport(kind: 'customers' | 'readings', lines: string[]) {
      await loadBase();
      const before = await snapshot(db);
      const result = await run([{ kind, path: writeCsv(lines) }]);
      expect(result.status).toBe('rejected');
      expect(await snapshot(db)).toEqual(before);
      return { report: formatReport(result), file: result.files[0]! };
    }

    it('bad dates found while reading', async () => {
      const bad = Array.from({ length: 5000 }, (_, index) => `10000001,2026-01,2026/01/15,${index},1,`);
      const { report, file } = await rejectedReport('readings', [headers.readings, ...bad]);
      expect(file.listed).toHaveLength(1000);
      expect(report).toContain('不正な行 5,000 行 / bad lines: 5,000');
      expect(report).toMatch(/^\s+1001行目 reading_date「2026\/01\/15」: 日付は YYYY-MM-DD で書いてください \/ line 1001, reading_date "2026\/01\/15": a date must be written YYYY-MM-DD$/m);
      expect(report).not.toContain('line 1002,');
      expect(report).toContain('ほかに不正な行 4,000 行、理由別の件数 / and 4,000 more bad lines, by rule:');
      expect(report).toContain('    reading_date: 日付は YYYY-MM-DD で書いてください / a date must be written YYYY-MM-DD … 4,000');
    });

    it('repeated keys and unknown faucets found in the database', async () => {
      const repeated = Array.from({ length: 3000 }, (_, index) => `10000001,2026-01,2026-01-15,${index},1,`);
      const unknown = Array.from({ length: 500 }, (_, index) => `${90000000 + index},2026-01,2026-01-15,1,1,`);
      const { report, file } = await rejectedReport('readings', [headers.readings, ...repeated, ...unknown]);
      expect(file.listed).toHaveLength(1000);
      expect(report).toContain('不正な行 3,499 行 / bad lines: 3,499');
      expect(report).toContain('line 1001, faucet_no+period "10000001 2026-01": the same key as line 2');
      expect(report).toContain('and 2,499 more bad lines, by rule:');
      expect(report).toContain('    faucet_no+period: 同じキーが前の行にあります / the same key as an earlier line … 1,999');
      expect(report).toContain('    faucet_no: 水栓番号が登録されていません（お客様ファイルにありません） / unknown faucet number (not in the customers file) … 500');
    });

    it('an unclosed quote: one clear line where the record starts, not the rest of the file in memory', async () => {
      const good = Array.from({ length: 3000 }, (_, index) => `10000001,2026-01,2026-01-15,${index},1,`);
      const { report, file } = await rejectedReport('readings', [headers.readings, '10000001,2026-01,2026-01-15,1,1,', '10000002,"2026-02,2026-02-15,1,1,', ...good]);
      expect(file.badLines).toBe(1);
      expect(report).toContain(
        '3行目 -「」: この行から 65,536 文字を超えても行が終わりません（引用符の閉じ忘れなど）。ここから先は読めませんでした / line 3, - "": a record starting here runs past 65,536 characters (an unclosed quote?); the rest of the file could not be read'
      );
    });

    it('a line of nothing but commas: stopped at the line limit, not a million empty fields in memory', async () => {
      const { report, file } = await rejectedReport('readings', [headers.readings, '10000001,2026-01,2026-01-15,1,1,', ','.repeat(2_000_000), '10000001,2026-02,2026-02-15,2,1,']);
      expect(file.badLines).toBe(1);
      expect(report).toContain('3行目 -「」: この行から 65,536 文字を超えても行が終わりません');
    });

    it('a header of 5,000 unknown columns: the first 20 named and the rest counted', async () => {
      const unknown = Array.from({ length: 5000 }, (_, index) => `,extra${index}`).join('');
      const { report } = await rejectedReport('readings', [`${headers.readings}${unknown}`, '10000001,2026-01,2026-01-15,1,1,']);
      const warnings = report.split('\n').filter((line) => line.includes('warning'));
      expect(warnings).toHaveLength(21);
      expect(warnings.at(-1)).toContain('4,980');
    });
  });

  it('warns about unknown columns and imports the rest', async () => {
    await loadBase();
    const withExtra = [`${headers.bills},remarks`, '10000001,2026-10,21,4000,3000,7000,636,2026-10-16,2026-11-30,2026-11-26,メモ'];
    const result = await run([{ kind: 'bills', path: writeCsv(withExtra, { eol: '\n' }) }]);
    expect(result.status).toBe('imported');
    expect(result.files[0]!.warnings).toEqual(['unknown column "remarks" ignored / 不明な列「remarks」は無視しました']);
    expect(await db.select({ total: bills.total, transferDate: bills.transferDate }).from(bills)).toEqual([
      { total: 7000, transferDate: '2026-11-26' }
    ]);
  });
});
