import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { readings } from '../../server/db/schema.js';
import { driverName, useCommandDatabases, type CommandDatabase } from './support/database.js';
import { headers, snapshot, writeCsv } from './support/import-files.js';
import { runCommand } from './support/server-process.js';

const databases = useCommandDatabases();
const commandDatabase = () => databases.create();

const runImport = (database: CommandDatabase, args: string[]) => runCommand('server/cli/import.ts', args, database.env);

const openTarget = (database: CommandDatabase) => databases.open(database);

const faucetCount = 2500;
const monthsPerFaucet = 48;

function largeFiles() {
  const faucetNos = Array.from({ length: faucetCount }, (_, index) => String(20000000 + index));
  const customers = writeCsv([headers.customers, ...faucetNos.map((no) => `${no},利用者 ${no},,,,,,,2018-04-01,,transfer`)]);
  const lines = [headers.readings];
  for (const no of faucetNos) {
    for (let month = 0; month < monthsPerFaucet; month += 1) {
      const year = 2022 + Math.floor(month / 12);
      const period = `${year}-${String((month % 12) + 1).padStart(2, '0')}`;
      lines.push(`${no},${period},${period}-14,${month * 20},20,`);
    }
  }
  return { customers, readings: writeCsv(lines) };
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

    for (const args of [['meters', customers], ['customers'], ['customers', customers, '--encoding', 'latin1'], ['customers', '/nonexistent.csv'], ['customers', customers, '--bogus']]) {
      const usage = runImport(database, args);
      expect(await usage.exited, args.join(' ')).toBe(2);
      expect(usage.stderr()).toContain('usage: npm run import');
    }
  });

  it('leaves the database as it was when killed half-way, and the same import succeeds afterwards', async () => {
    const database = await commandDatabase();
    const files = largeFiles();
    expect(await runImport(database, ['customers', files.customers]).exited).toBe(0);
    const probe = await openTarget(database);
    const before = await snapshot(probe.db);
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
    await afterKill.close();

    const retry = runImport(database, ['readings', files.readings]);
    expect(await retry.exited).toBe(0);
    const done = await openTarget(database);
    expect(await done.db.select({ count: sql<number>`count(*)::int` }).from(readings)).toEqual([
      { count: faucetCount * monthsPerFaucet }
    ]);
    // Two large imports and a kill on PGlite: a busy two-core machine needs more than the default minute.
  }, 180_000);
});
