import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import type { Database } from './client.js';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Any constant: every process that migrates this schema takes the same lock (and a test holds it). */
export const MIGRATION_LOCK_KEY = 727_001;

/**
 * Applies the pending drizzle-kit migrations in one transaction that first takes a
 * transaction-level advisory lock, so processes starting together run them once: the
 * second waits, then finds them recorded. drizzle's own migrator takes no lock.
 * The bookkeeping table is drizzle's, so drizzle-kit tools still read it.
 */
export async function migrate(db: Database): Promise<{ applied: number }> {
  const migrations = readMigrationFiles({ migrationsFolder });
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`create schema if not exists drizzle`);
    await tx.execute(sql`
      create table if not exists drizzle.__drizzle_migrations (
        id serial primary key,
        hash text not null,
        created_at bigint
      )`);
    const done = await tx.select({ createdAt: sql<string>`created_at` }).from(sql`drizzle.__drizzle_migrations`);
    const appliedAt = new Set(done.map((row) => Number(row.createdAt)));
    let applied = 0;
    for (const migration of migrations) {
      if (appliedAt.has(migration.folderMillis)) continue;
      for (const statement of migration.sql) {
        if (statement.trim()) await tx.execute(sql.raw(statement));
      }
      await tx.execute(
        sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`
      );
      applied += 1;
    }
    return { applied };
  });
}
