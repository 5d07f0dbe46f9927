import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { contracts, faucets, paperSlipChanges } from '../../server/db/schema.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { exportPaperSlipChanges } from '../../server/features/exports/service.js';
import { createCommandDatabase, driverName, lockWaiters, serverUrl, useMigratedDatabase, type CommandDatabase, type CommandDatabaseOptions } from './support/database.js';
import { freshDataDir, runCommand } from './support/server-process.js';
import { demoUtility } from './support/import-files.js';

const HEADER = 'faucet_no,paper_slip,effective_on,requested_at,contract_start,contract_holder_name\r\n';
/** The contract each test faucet has held since 2000, as the file names it. */
const CONTRACT = '2000-01-01,名寄 太郎';
const calendar = createBusinessCalendar(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);
/** Friday 2026-06-05 10:00 in Tokyo; the next business day is Monday 2026-06-08. */
const fridayMorning = new Date('2026-06-05T01:00:00Z');

/** A faucet with its holder since 2000; its changes below name no contract, as rows written before they did, and are matched to it. */
async function addFaucet(db: Database, faucetNo: string): Promise<number> {
  const [faucet] = await db.insert(faucets).values({ faucetNo }).returning({ id: faucets.id });
  await db.insert(contracts).values({ faucetId: faucet!.id, holderName: '名寄 太郎', contractStart: '2000-01-01', paymentMethod: 'transfer' });
  return faucet!.id;
}

async function addChange(
  db: Database,
  faucetId: number,
  change: { paperless: boolean; requestedAt: string; effectiveOn: string },
  contractId: number | null = null
): Promise<number> {
  const [row] = await db
    .insert(paperSlipChanges)
    .values({ faucetId, contractId, ...change, requestedAt: new Date(change.requestedAt) })
    .returning({ id: paperSlipChanges.id });
  return row!.id;
}

async function runExport(db: Database, now: Date, deliver?: (csv: string) => Promise<void>) {
  let csv: string | undefined;
  const result = await exportPaperSlipChanges({ db, now }, {
    calendar,
    deliver: async (text) => {
      await deliver?.(text);
      csv = text;
    }
  });
  return { ...result, csv };
}

async function exportedAtById(db: Database): Promise<Map<number, Date | null>> {
  const rows = await db.select({ id: paperSlipChanges.id, exportedAt: paperSlipChanges.exportedAt }).from(paperSlipChanges);
  return new Map(rows.map((row) => [row.id, row.exportedAt]));
}

describe(`paperless export on ${driverName}`, () => {
  const database = useMigratedDatabase();
  let db: Database;
  beforeEach(() => {
    db = database.db;
  });

  it('writes the header line alone when nothing is pending', async () => {
    const result = await runExport(db, fridayMorning);
    expect(result).toEqual({ rows: 0, effectiveUntil: '2026-06-08', withheld: 0, csv: HEADER });
  });

  it('writes stop and resume rows with CRLF line ends, dates and Tokyo request times', async () => {
    const home = await addFaucet(db, '10000001');
    const shop = await addFaucet(db, '10000002');
    await addChange(db, home, { paperless: true, requestedAt: '2026-06-04T06:30:00Z', effectiveOn: '2026-06-05' });
    await addChange(db, shop, { paperless: false, requestedAt: '2026-06-04T15:15:00Z', effectiveOn: '2026-06-08' });

    const result = await runExport(db, fridayMorning);

    expect(result.rows).toBe(2);
    expect(result.csv).toBe(
      HEADER + `10000001,stop,2026-06-05,2026-06-04T15:30:00+09:00,${CONTRACT}\r\n` + `10000002,resume,2026-06-08,2026-06-05T00:15:00+09:00,${CONTRACT}\r\n`
    );
  });

  it('keeps a change effective after the next business day for a later file', async () => {
    const faucet = await addFaucet(db, '10000001');
    const monday = await addChange(db, faucet, { paperless: true, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-08' });
    const tuesday = await addChange(db, faucet, { paperless: false, requestedAt: '2026-06-05T00:30:00Z', effectiveOn: '2026-06-09' });

    expect((await runExport(db, fridayMorning)).csv).toBe(HEADER + `10000001,stop,2026-06-08,2026-06-04T10:00:00+09:00,${CONTRACT}\r\n`);
    let exportedAt = await exportedAtById(db);
    expect(exportedAt.get(monday)).toEqual(fridayMorning);
    expect(exportedAt.get(tuesday)).toBeNull();

    const mondayMorning = new Date('2026-06-08T01:00:00Z');
    expect((await runExport(db, mondayMorning)).csv).toBe(HEADER + `10000001,resume,2026-06-09,2026-06-05T09:30:00+09:00,${CONTRACT}\r\n`);
    exportedAt = await exportedAtById(db);
    expect(exportedAt.get(tuesday)).toEqual(mondayMorning);
  });

  it('hands over before the New Year closing days what takes effect on the first business day after them', async () => {
    const faucet = await addFaucet(db, '10000001');
    await addChange(db, faucet, { paperless: true, requestedAt: '2026-12-27T03:00:00Z', effectiveOn: '2027-01-04' });
    await addChange(db, faucet, { paperless: false, requestedAt: '2026-12-28T03:00:00Z', effectiveOn: '2027-01-05' });

    const result = await runExport(db, new Date('2026-12-28T08:00:00Z'));

    expect(result.effectiveUntil).toBe('2027-01-04');
    expect(result.csv).toBe(HEADER + `10000001,stop,2027-01-04,2026-12-27T12:00:00+09:00,${CONTRACT}\r\n`);
  });

  it('hands over a change whose effective date passed without an export', async () => {
    const faucet = await addFaucet(db, '10000001');
    await addChange(db, faucet, { paperless: true, requestedAt: '2026-05-20T01:00:00Z', effectiveOn: '2026-05-21' });
    expect((await runExport(db, fridayMorning)).rows).toBe(1);
  });

  it('exports nothing the second time and marks every exported row with the export time', async () => {
    const faucet = await addFaucet(db, '10000001');
    const first = await addChange(db, faucet, { paperless: true, requestedAt: '2026-06-03T01:00:00Z', effectiveOn: '2026-06-04' });
    const second = await addChange(db, faucet, { paperless: false, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-05' });

    expect((await runExport(db, fridayMorning)).rows).toBe(2);
    const again = await runExport(db, new Date('2026-06-05T02:00:00Z'));

    expect(again).toMatchObject({ rows: 0, csv: HEADER });
    const exportedAt = await exportedAtById(db);
    expect(exportedAt.get(first)).toEqual(fridayMorning);
    expect(exportedAt.get(second)).toEqual(fridayMorning);
  });

  it("lists one faucet's changes in the order they were asked for, not the order rows were written", async () => {
    const home = await addFaucet(db, '10000001');
    const shop = await addFaucet(db, '10000002');
    await addChange(db, home, { paperless: false, requestedAt: '2026-06-04T05:00:00Z', effectiveOn: '2026-06-05' });
    await addChange(db, shop, { paperless: true, requestedAt: '2026-06-04T03:00:00Z', effectiveOn: '2026-06-05' });
    await addChange(db, home, { paperless: true, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-05' });

    const lines = (await runExport(db, fridayMorning)).csv!.split('\r\n');

    expect(lines.slice(1, 4).map((line) => line.split(',').slice(0, 2).join(' '))).toEqual([
      '10000001 stop',
      '10000002 stop',
      '10000001 resume'
    ]);
  });

  it('never hands over a change for a contract that has ended: it stays pending, counted as withheld; the new holder’s goes out naming their contract', async () => {
    const faucet = await addFaucet(db, '10000001');
    const [former] = await db.select({ id: contracts.id }).from(contracts).where(eq(contracts.faucetId, faucet));
    // The customers import that started the new holder's contract on 1 June ended the former one the day before.
    await db.update(contracts).set({ contractEnd: '2026-05-31' }).where(eq(contracts.id, former!.id));
    const [current] = await db
      .insert(contracts)
      .values({ faucetId: faucet, holderName: '=HYPERLINK("http://x")', contractStart: '2026-06-01', paymentMethod: 'transfer' })
      .returning({ id: contracts.id });
    const legacy = await addChange(db, faucet, { paperless: true, requestedAt: '2026-05-20T01:00:00Z', effectiveOn: '2026-05-21' });
    const formerResume = await addChange(db, faucet, { paperless: false, requestedAt: '2026-06-04T02:00:00Z', effectiveOn: '2026-06-05' }, former!.id);
    const currentStop = await addChange(db, faucet, { paperless: true, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-05' }, current!.id);

    const result = await runExport(db, fridayMorning);

    expect(result).toMatchObject({ rows: 1, withheld: 2 });
    // The holder's name begins like a formula: a spreadsheet shows it as text.
    expect(result.csv).toBe(HEADER + `10000001,stop,2026-06-05,2026-06-04T10:00:00+09:00,2026-06-01,"'=HYPERLINK(""http://x"")"\r\n`);
    const exportedAt = await exportedAtById(db);
    expect([exportedAt.get(legacy), exportedAt.get(formerResume), exportedAt.get(currentStop)]).toEqual([null, null, fridayMorning]);
    expect(await runExport(db, fridayMorning)).toMatchObject({ rows: 0, withheld: 2, csv: HEADER });
  });

  it('withholds a change taking effect after its contract’s last day, though the contract still runs today', async () => {
    const faucet = await addFaucet(db, '10000001');
    const [former] = await db.select({ id: contracts.id }).from(contracts).where(eq(contracts.faucetId, faucet));
    // A new holder from Saturday 6 June: the former holder's contract ends today, Friday.
    await db.update(contracts).set({ contractEnd: '2026-06-05' }).where(eq(contracts.id, former!.id));
    await db.insert(contracts).values({ faucetId: faucet, holderName: '新居 次郎', contractStart: '2026-06-06', paymentMethod: 'transfer' });
    const lastDay = await addChange(db, faucet, { paperless: true, requestedAt: '2026-06-03T01:00:00Z', effectiveOn: '2026-06-05' }, former!.id);
    const afterEnd = await addChange(db, faucet, { paperless: false, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-08' }, former!.id);

    const result = await runExport(db, fridayMorning);

    expect(result).toMatchObject({ rows: 1, withheld: 1 });
    expect(result.csv).toBe(HEADER + `10000001,stop,2026-06-05,2026-06-03T10:00:00+09:00,${CONTRACT}\r\n`);
    const exportedAt = await exportedAtById(db);
    expect([exportedAt.get(lastDay), exportedAt.get(afterEnd)]).toEqual([fridayMorning, null]);
  });

  it('leaves the rows pending when the file cannot be written, and hands them over next time', async () => {
    const faucet = await addFaucet(db, '10000001');
    const change = await addChange(db, faucet, { paperless: true, requestedAt: '2026-06-04T01:00:00Z', effectiveOn: '2026-06-05' });

    await expect(
      runExport(db, fridayMorning, () => Promise.reject(new Error('disk full')))
    ).rejects.toThrow('disk full');
    expect((await exportedAtById(db)).get(change)).toBeNull();

    expect((await runExport(db, fridayMorning)).rows).toBe(1);
  });

  // PGlite runs one transaction at a time: two exports there can only run one after the other.
  it.runIf(serverUrl)('never hands a change over twice when a second export runs while the first is writing its file', async () => {
    const faucet = await addFaucet(db, '10000001');
    for (const hour of ['01', '02', '03']) {
      await addChange(db, faucet, { paperless: hour !== '02', requestedAt: `2026-06-04T${hour}:00:00Z`, effectiveOn: '2026-06-05' });
    }
    const url = database.testDb.url!;
    // A second connection pool stands for a second process.
    const second = await openDatabase({ databaseUrl: url, utility: demoUtility });
    try {
      let secondExport: Promise<{ rows: number }> | undefined;
      // The first export has marked its rows and is writing its file: the second starts now, and
      // the first finishes only once the second waits for the rows the first holds.
      const first = await runExport(db, fridayMorning, async () => {
        secondExport = runExport(second.db, fridayMorning);
        await lockWaiters(url, 1, secondExport.catch(() => undefined));
      });
      expect(first.rows).toBe(3);
      expect((await secondExport!).rows).toBe(0);
      expect([...(await exportedAtById(db)).values()]).toEqual([fridayMorning, fridayMorning, fridayMorning]);
    } finally {
      await second.close();
    }
  });
});

describe(`npm run export on ${driverName}`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  async function databaseEnv(options: CommandDatabaseOptions = {}): Promise<CommandDatabase & { dataDir: string }> {
    const database = await createCommandDatabase(options);
    cleanups.push(() => database.dispose());
    return { ...database, dataDir: database.env.DATA_DIR! };
  }

  async function runCli(args: string[], env: Record<string, string>) {
    const run = runCommand('server/cli/export.ts', args, env);
    const code = await run.exited;
    return { code, stdout: run.stdout(), stderr: run.stderr() };
  }

  it('writes the header to --out on an empty database it migrates first, and exits 0', async () => {
    const { env, dataDir } = await databaseEnv();
    const file = path.join(dataDir, 'paperless.csv');

    const run = await runCli(['paperless', '--out', file], env);

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(file, 'utf8')).toBe(HEADER);
    expect(run.stdout).toBe('');
    expect(existsSync(`${file}.partial`)).toBe(false);
  });

  it('writes to stdout by default, and a second run finds the rows already handed over', async () => {
    const { env, target } = await databaseEnv({ migrated: true });
    const database = await openDatabase(target);
    try {
      const faucet = await addFaucet(database.db, '10000001');
      await addChange(database.db, faucet, { paperless: true, requestedAt: '2000-01-04T00:00:00Z', effectiveOn: '2000-01-05' });
    } finally {
      await database.close();
    }

    const first = await runCli(['paperless'], env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toBe(HEADER + `10000001,stop,2000-01-05,2000-01-04T09:00:00+09:00,${CONTRACT}\r\n`);

    const second = await runCli(['paperless'], env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toBe(HEADER);
  });

  it('resolves a relative --out against the folder npm was started in', async () => {
    const { env, dataDir } = await databaseEnv({ migrated: true });

    const run = await runCli(['paperless', '--out', 'relative.csv'], { ...env, INIT_CWD: dataDir });

    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(path.join(dataDir, 'relative.csv'), 'utf8')).toBe(HEADER);
  });

  // Each case is a process of its own that waits for nothing: they run side by side.
  it.concurrent.for([[], ['receipts'], ['paperless', '--bogus'], ['paperless', 'extra'], ['paperless', '--out']])(
    'exits 2 with the usage line for %j',
    async (args, { expect }) => {
      const run = await runCli(args, { DATA_DIR: freshDataDir() });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('usage: npm run export -- paperless|changes [--out FILE]');
    }
  );
});
