import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import postgres from 'postgres';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, selectRows, type Database } from '../../server/db/client.js';
import { MIGRATION_LOCK_KEY, migrate, migrationsFolder, UpgradeNeedsOneUtility } from '../../server/db/migrate.js';
import { bills, faucets, payments, readings } from '../../server/db/schema.js';
import { createTestDatabase, driverName, lockWaiters, serverUrl, type TestDatabase } from './support/database.js';
import { demoUtility } from './support/import-files.js';

const migrationCount = readdirSync(migrationsFolder).filter((file) => file.endsWith('.sql')).length;

async function recordedMigrations(db: Database): Promise<number> {
  const [row] = await db.select({ count: sql<number>`count(*)::int` }).from(sql`drizzle.__drizzle_migrations`);
  return row!.count;
}

/**
 * Applies the migrations before `tag` as migrate() would and records them, so migrate() then
 * finds a database of that older schema and applies the rest. Returns how many are left.
 */
async function migrateUpTo(db: Database, tag: string): Promise<number> {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((entry) => entry.tag === tag);
  expect(upTo).toBeGreaterThan(0);
  await db.transaction(async (tx) => {
    await tx.execute(sql`create schema drizzle`);
    await tx.execute(sql`create table drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
    for (const migration of readMigrationFiles({ migrationsFolder }).slice(0, upTo)) {
      for (const statement of migration.sql) if (statement.trim()) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
    }
  });
  return journal.entries.length - upTo;
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
    const second = await openDatabase({ databaseUrl: url, utility: demoUtility });
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

  it('key readings, bills and payments by faucet and period in a database that holds them, every row kept', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0011_period_rows_without_id');
    await db.execute(sql`insert into faucets (faucet_no) values ('10000001'), ('10000002')`);
    await db.execute(sql`insert into readings (faucet_id, period, reading_date, meter_value, usage_tenths)
      select f.id, p, (p || '-14')::date, 100, 10 from faucets f, unnest(array['2026-09', '2026-10']) p`);
    await db.execute(sql`insert into bills (faucet_id, period, usage_tenths, water_charge, sewer_charge, total, issue_date)
      select f.id, '2026-10', 10, 1000, 800, 1800, '2026-10-20' from faucets f`);
    await db.execute(sql`insert into payments (faucet_id, period, amount, method, result) select f.id, '2026-10', 1800, 'transfer', 'paid' from faucets f`);
    const rowsOf = () =>
      selectRows(
        db,
        sql`select 'readings' as kind, faucet_id, period, version::text from readings
            union all select 'bills', faucet_id, period, version::text from bills
            union all select 'payments', faucet_id, period, version::text from payments order by 1, 2, 3`
      );
    const before = await rowsOf();

    expect(await migrate(db)).toEqual({ applied: left });

    // Kept as they were, versions too: a device's cursor must not see them as changed.
    expect(await rowsOf()).toEqual(before);
    expect(before).toHaveLength(8);
    const keys = await selectRows<{ table: string; key: string }>(
      db,
      sql`select conrelid::regclass::text as "table", pg_get_constraintdef(oid) as key from pg_constraint
          where contype = 'p' and conrelid in ('readings'::regclass, 'bills'::regclass, 'payments'::regclass) order by 1`
    );
    expect(keys).toEqual(['bills', 'payments', 'readings'].map((table) => ({ table, key: 'PRIMARY KEY (utility_id, faucet_id, period)' })));
    const [faucet] = await db.select().from(faucets).limit(1);
    for (const insert of [
      db.insert(readings).values({ faucetId: faucet!.id, period: '2026-10', readingDate: '2026-10-14', meterValue: 1, usageTenths: 1 }),
      db.insert(bills).values({ faucetId: faucet!.id, period: '2026-10', usageTenths: 1, waterCharge: 1, sewerCharge: 1, total: 2, issueDate: '2026-10-20' }),
      db.insert(payments).values({ faucetId: faucet!.id, period: '2026-10', amount: 1, method: 'transfer', result: 'paid' })
    ]) {
      await expect(insert).rejects.toThrow();
    }
    expect(await rowsOf()).toEqual(before);
  });

  it('give the contracts and members a database holds their search keys, versions kept', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0013_staff_search_keys');
    await db.execute(sql`insert into faucets (faucet_no) values ('10000001')`);
    await db.execute(sql`insert into contracts (faucet_id, holder_name, holder_kana, contract_start, payment_method)
      select id, 'なよろ\u3000太郎', 'ﾅﾖﾛ ﾀﾛｳ', '2020-04-01', 'transfer' from faucets`);
    await db.execute(sql`insert into customers (email, nickname, password_hash, created_at) values ('a@example.jp', 'ＡＢＣ 商店', 'x', now())`);
    const versions = () =>
      selectRows(db, sql`select 'contracts' as kind, version::text from contracts union all select 'customers', version::text from customers order by 1`);
    const before = await versions();

    expect(await migrate(db)).toEqual({ applied: left });

    expect(await versions()).toEqual(before);
    expect(await selectRows(db, sql`select search_key from contracts union all select search_key from customers`)).toEqual([
      { search_key: 'ナヨロ太郎 ナヨロタロウ' },
      { search_key: 'abc商店' }
    ]);
  });

  it('drop the push subscriptions stored before they belonged to sessions, the internal endpoints among them, and their deliveries', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0014_push_subscriptions_of_sessions');
    await db.execute(sql`insert into customers (email, nickname, password_hash, created_at) values ('a@example.jp', 'a', 'x', now())`);
    await db.execute(sql`insert into push_subscriptions (customer_id, endpoint, p256dh, auth, created_at)
      select id, e, 'k', 'a', now() from customers,
        unnest(array['https://127.0.0.1:5432/', 'https://169.254.169.254/latest/meta-data/', 'https://metadata.google.internal/', 'https://fcm.googleapis.com/fcm/send/x']) e`);
    await db.execute(sql`insert into notices (customer_id, topic, facts, created_at) select id, 'procedure', '{}', now() from customers`);
    await db.execute(sql`insert into notice_deliveries (notice_id, customer_id, channel, subscription_id, created_at, due_at)
      select n.id, n.customer_id, 'push', s.id, now(), now() from notices n join push_subscriptions s using (customer_id)`);
    expect(await selectRows(db, sql`select id from push_subscriptions`)).toHaveLength(4);

    expect(await migrate(db)).toEqual({ applied: left });

    expect(await selectRows(db, sql`select id from push_subscriptions`)).toEqual([]);
    expect(await selectRows(db, sql`select id from notice_deliveries`)).toEqual([]);
    // From now on a subscription cannot be stored without the session that made it.
    await expect(db.execute(sql`insert into push_subscriptions (customer_id, endpoint, p256dh, auth, created_at)
      select id, 'https://fcm.googleapis.com/fcm/send/y', 'k', 'a', now() from customers`)).rejects.toThrow();
  });
  it('give one-time passwords handed out before they expired 72 hours from the upgrade, and leave chosen passwords alone', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0016_one_time_passwords_expire');
    await db.execute(sql`insert into staff (email, role, password_hash, must_change_password, created_at)
      values ('new@example.jp', 'clerk', 'x', true, now() - interval '30 days'), ('chosen@example.jp', 'admin', 'x', false, now() - interval '30 days')`);

    expect(await migrate(db)).toEqual({ applied: left });

    expect(
      await selectRows(db, sql`select email, password_expires_at between now() + interval '71 hours' and now() + interval '73 hours' as expires_in_72_hours,
        password_expires_at is null as never_expires from staff order by email`)
    ).toEqual([
      { email: 'chosen@example.jp', expires_in_72_hours: null, never_expires: true },
      { email: 'new@example.jp', expires_in_72_hours: true, never_expires: false }
    ]);
  });
  it('give every row a database holds the utility it was migrated for, sync versions kept', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0020_utility_seal');
    await db.execute(sql`insert into faucets (faucet_no) values ('10000001')`);
    await db.execute(sql`insert into contracts (faucet_id, holder_name, contract_start, payment_method) select id, '名寄 太郎', '2020-04-01', 'transfer' from faucets`);
    await db.execute(sql`insert into customers (email, nickname, password_hash, created_at) values ('taro@example.jp', 'たろう', 'x', now())`);
    await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at) select c.id, k.id, now() from customers c, contracts k`);
    const versions = () =>
      selectRows<{ kind: string; version: string }>(
        db,
        sql`select 'faucet' as kind, version::text from faucets union all select 'contract', version::text from contracts
            union all select 'customer', version::text from customers union all select 'link', version::text from faucet_links order by 1`
      );
    const before = await versions();

    expect(await migrate(db)).toEqual({ applied: left });

    expect(await versions()).toEqual(before);
    const utilities = await selectRows<{ utility_id: string }>(
      db,
      sql`select utility_id from faucets union all select utility_id from contracts union all select utility_id from customers union all select utility_id from faucet_links`
    );
    expect(utilities).toEqual(Array.from({ length: 4 }, () => ({ utility_id: demoUtility })));
  });

  it('refuse to upgrade a database made before the seal while several utilities are configured, naming them, and change nothing; with one it upgrades', async () => {
    const { db } = testDb.handle;
    const left = await migrateUpTo(db, '0020_utility_seal');
    await db.execute(sql`insert into faucets (faucet_no) values ('10000001')`);
    const recorded = await recordedMigrations(db);

    const refused = migrate(db, [demoUtility, 'minami-demo']);
    await expect(refused).rejects.toBeInstanceOf(UpgradeNeedsOneUtility);
    await expect(refused).rejects.toThrow(`2 utilities are configured (${demoUtility}, minami-demo)`);
    expect(await recordedMigrations(db)).toBe(recorded);
    expect(await selectRows(db, sql`select column_name from information_schema.columns where table_name = 'faucets' and column_name = 'utility_id'`)).toEqual([]);

    expect(await migrate(db, [demoUtility])).toEqual({ applied: left });
    expect(await migrate(db, [demoUtility, 'minami-demo'])).toEqual({ applied: 0 });
  });
});
