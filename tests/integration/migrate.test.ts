import { readdirSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { MIGRATION_LOCK_KEY, migrate, migrationsFolder } from '../../server/db/migrate.js';
import { faucets, readings } from '../../server/db/schema.js';
import { createTestDatabase, driverName, lockWaiters, serverUrl, type TestDatabase } from './support/database.js';

const migrationCount = readdirSync(migrationsFolder).filter((file) => file.endsWith('.sql')).length;

async function recordedMigrations(db: Database): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(sql`drizzle.__drizzle_migrations`);
  return row!.count;
}

describe(`migrations on ${driverName}`, () => {
  let testDb: TestDatabase;
  beforeEach(async () => {
    testDb = await createTestDatabase();
  });
  afterEach(async () => {
    await testDb.dispose();
  });

  it('apply every migration to an empty database once, and nothing the second time', async () => {
    expect(await migrate(testDb.handle.db)).toEqual({ applied: migrationCount });
    expect(await migrate(testDb.handle.db)).toEqual({ applied: 0 });
    expect(await recordedMigrations(testDb.handle.db)).toBe(migrationCount);
  });

  // PGlite runs one transaction at a time: two migrations there can only run one after the other.
  it.runIf(serverUrl)('run once when two processes migrate the same empty database at the same moment', async () => {
    const url = testDb.url!;
    // A second connection pool stands for a second app process; a third holds the migrations' lock
    // until both wait for it, so they start together whatever the machine's speed.
    const second = await openDatabase({ databaseUrl: url });
    const holder = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      const migrations = Promise.all([migrate(testDb.handle.db), migrate(second.db)]);
      await lockWaiters(url, 2, migrations.catch(() => undefined));
      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY})`;
      const results = await migrations;
      expect(results.map((result) => result.applied).sort()).toEqual([0, migrationCount]);
      expect(await recordedMigrations(testDb.handle.db)).toBe(migrationCount);
    } finally {
      await holder.end();
      await second.close();
    }
  });

  it('create a schema that stamps rows with increasing sync versions and refuses a bad period', async () => {
    const { db } = testDb.handle;
    await migrate(db);
    const [faucet] = await db.insert(faucets).values({ faucetNo: '10000001' }).returning();
    const [reading] = await db
      .insert(readings)
      .values({ faucetId: faucet!.id, period: '2026-10', readingDate: '2026-10-15', meterValue: 1234, usageTenths: 215 })
      .returning();
    expect(reading!.version).toBeGreaterThan(faucet!.version);
    await expect(
      db
        .insert(readings)
        .values({ faucetId: faucet!.id, period: '2026-13', readingDate: '2026-10-15', meterValue: 1, usageTenths: 1 })
    ).rejects.toThrow();
    const rows = await db.select().from(readings);
    expect(rows).toHaveLength(1);
  });
});
