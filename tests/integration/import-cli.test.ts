import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { selectRows, type Database } from '../../server/db/client.js';
import { driverName, useCommandDatabases, type CommandDatabase } from './support/database.js';
import { headers, snapshot, writeCsv } from './support/import-files.js';
import { runCommand } from './support/server-process.js';

const databases = useCommandDatabases();
const commandDatabase = () => databases.create({ migrated: true });

const runImport = (database: CommandDatabase, args: string[]) => runCommand('server/cli/import.ts', args, database.env);

const openTarget = (database: CommandDatabase) => databases.open(database);

const faucetCount = 2500;
const monthsPerFaucet = 48;

/** Every reading the file holds, one line each in faucet and period order: what a clean import stores. */
const readingLines = (faucetNos: string[]) =>
  faucetNos.flatMap((no) =>
    Array.from({ length: monthsPerFaucet }, (_, month) => {
      const period = `${2022 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
      return { no, period, readingDate: `${period}-14`, meter: month * 20 };
    })
  );

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** The stored readings in the same form, hashed by the database: 120,000 rows compared without sending them over. */
async function storedReadingsDigest(db: Database): Promise<{ count: number; digest: string }> {
  const [row] = await selectRows<{ count: number; digest: string }>(
    db,
    sql`select count(*)::int as count, md5(string_agg(concat_ws(',', f.faucet_no, r.period, r.reading_date::text, r.meter_value::text, r.usage_tenths::text), e'\n' order by f.faucet_no, r.period)) as digest
      from readings r join faucets f on f.id = r.faucet_id`
  );
  return row!;
}

/** What an import leaves beside the data: its run, its audit entry, the notices it made and their deliveries. */
async function importTraces(db: Database) {
  return selectRows(
    db,
    sql`select (select json_agg(json_build_object('kind', kind, 'rowsRead', rows_read, 'inserted', inserted) order by id) from import_runs) as runs,
      (select count(*)::int from audit_log where action = 'import') as audited,
      (select count(*)::int from notices) as notices,
      (select count(*)::int from notice_deliveries) as deliveries`
  );
}

function largeFiles() {
  const faucetNos = Array.from({ length: faucetCount }, (_, index) => String(20000000 + index));
  const customers = writeCsv([headers.customers, ...faucetNos.map((no) => `${no},利用者 ${no},,,,,,,2018-04-01,,transfer`)]);
  const rows = readingLines(faucetNos);
  const readings = writeCsv([headers.readings, ...rows.map((row) => `${row.no},${row.period},${row.readingDate},${row.meter},20,`)]);
  const digest = md5(rows.map((row) => `${row.no},${row.period},${row.readingDate},${row.meter}.0,200`).join('\n'));
  return { customers, readings, digest };
}

describe(`npm run import on ${driverName}`, () => {
  it('exits 0 when imported or unchanged, 1 with the report when rejected, 2 on a usage error', async () => {
    const database = await commandDatabase();
    const customers = writeCsv([headers.customers, '10000001,髙橋 一郎,,,,,,,2020-04-01,,transfer'], { encoding: 'sjis' });
    const first = runImport(database, ['customers', customers]);
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain('customers, Shift_JIS');
    expect(first.stdout()).toContain('inserted 1');

    const second = runImport(database, ['customers', customers, '--encoding', 'sjis']);
    expect(await second.exited).toBe(0);
    expect(second.stdout()).toContain('nothing changed');

    const bad = runImport(database, ['readings', writeCsv([headers.readings, '10000001,2026-10,2026-10-32,1,1,'])]);
    expect(await bad.exited).toBe(1);
    expect(bad.stdout()).toContain('line 2, reading_date "2026-10-32": not a real date');

    // Refused before the database is opened, each waits for nothing: they run side by side.
    const usageErrors = [['meters', customers], ['customers'], ['customers', customers, '--encoding', 'latin1'], ['customers', '/nonexistent.csv'], ['customers', customers, '--bogus']];
    const usages = usageErrors.map((args) => runImport(database, args));
    for (const [index, usage] of usages.entries()) {
      expect(await usage.exited, usageErrors[index]!.join(' ')).toBe(2);
      expect(usage.stderr()).toContain('usage: npm run import');
    }
  });

  it('leaves the database as it was when killed half-way, and the same import succeeds afterwards', async () => {
    const database = await commandDatabase();
    const files = largeFiles();
    expect(await runImport(database, ['customers', files.customers]).exited).toBe(0);
    const probe = await openTarget(database);
    const before = await snapshot(probe.db);
    const tracesBefore = await importTraces(probe.db);
    await probe.close();

    const killed = runImport(database, ['readings', files.readings]);
    // Progress lines come every 20,000 rows: the transaction is well under way by the second.
    while (!/40,000 rows read/.test(killed.stderr()) && killed.child.exitCode === null) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(killed.child.exitCode).toBeNull();
    killed.child.kill('SIGKILL');
    await killed.exited;

    const afterKill = await openTarget(database);
    expect(await snapshot(afterKill.db)).toEqual(before);
    // No run, audit entry, notice or delivery of the killed import: none of it, not half.
    expect(await importTraces(afterKill.db)).toEqual(tracesBefore);
    await afterKill.close();

    const retry = runImport(database, ['readings', files.readings]);
    expect(await retry.exited).toBe(0);
    const done = await openTarget(database);
    // Exactly what a clean import of the file stores, and one run of it on record.
    expect(await storedReadingsDigest(done.db)).toEqual({ count: faucetCount * monthsPerFaucet, digest: files.digest });
    expect(await importTraces(done.db)).toEqual([
      {
        runs: [
          { kind: 'customers', rowsRead: faucetCount, inserted: faucetCount },
          { kind: 'readings', rowsRead: faucetCount * monthsPerFaucet, inserted: faucetCount * monthsPerFaucet }
        ],
        audited: 2,
        notices: 0,
        deliveries: 0
      }
    ]);
    // Two large imports and a kill on PGlite: a busy two-core machine needs more than the default minute.
  }, 180_000);
});
