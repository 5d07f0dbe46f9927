import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { driverClient, selectRows, UtilitySession, type Database } from './client.js';
import { SharedPGlite } from './pglite-socket.js';
import type * as schema from './schema.js';

export const migrationsFolder = fileURLToPath(new URL('../../drizzle', import.meta.url));

/** Any constant: every process that migrates this schema takes the same lock (and a test holds it). */
export const MIGRATION_LOCK_KEY = 727_001;

/** The migration that gave every row its utility: a database made before it holds one utility's rows, which it names nowhere. */
const SEAL_MIGRATION = '0020_utility_seal';

/**
 * An upgrade across SEAL_MIGRATION with several utilities configured: it would give every row
 * the first profile's id, whichever utility the rows are really of.
 */
export class UpgradeNeedsOneUtility extends Error {}

/** How many migrations drizzle's migrator has recorded in its table (none before its first run). */
async function recordedMigrations(db: Database): Promise<number> {
  const [table] = await selectRows<{ exists: boolean }>(db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as "exists"`);
  if (!table?.exists) return 0;
  const [row] = await selectRows<{ count: number }>(db, sql`select count(*)::int as "count" from drizzle.__drizzle_migrations`);
  return row!.count;
}

/** SEAL_MIGRATION's place in the journal: a database that has recorded no more migrations than this has yet to take it. */
function sealIndex(): number {
  const journal = JSON.parse(readFileSync(path.join(migrationsFolder, 'meta/_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  return journal.entries.findIndex((entry) => entry.tag === SEAL_MIGRATION);
}

/**
 * Applies the pending drizzle-kit migrations with drizzle's own migrator, which records them
 * in its table and takes no lock: its statements before the migrations' transaction would let
 * two processes starting together both find them pending. So it runs while nobody else can:
 *
 * - PostgreSQL: a transaction on a connection of its own holds an advisory lock while the
 *   migrator runs on the pool's others; the second process waits, then finds them recorded.
 * - The embedded database is one session, which an advisory lock cannot divide. The portal that
 *   owns it migrates as one turn of that session, so a command reaching it through its socket
 *   waits meanwhile, then finds the work done. That command's own migrator (one connection,
 *   which could not both hold a lock and migrate) therefore runs alone.
 *
 * `utilities`: the deployment's utility ids. With several, a database made before
 * SEAL_MIGRATION is refused (UpgradeNeedsOneUtility) before anything is applied.
 */
export async function migrate(db: Database, utilities: readonly string[] = []): Promise<{ applied: number }> {
  const client = driverClient(db);
  if (!client) throw new Error('migrate takes the database, not a transaction');
  if (client instanceof UtilitySession) throw new Error("migrate takes the database as its owner has it, not a utility's share");
  const config = { migrationsFolder };
  const counted = async (migrating: () => Promise<void>) => {
    const before = await recordedMigrations(db);
    if (utilities.length > 1 && before > 0 && before <= sealIndex()) {
      throw new UpgradeNeedsOneUtility(
        `this database was made before each row named its utility (migration ${SEAL_MIGRATION}): upgrading it gives all its rows one utility's id, and ${utilities.length} utilities are configured (${utilities.join(', ')}). Upgrade it once with UTILITY_CONFIG naming only the profile whose rows it holds, then add the others.`
      );
    }
    await migrating();
    return { applied: (await recordedMigrations(db)) - before };
  };
  if (client instanceof PGlite) {
    const run = () => counted(() => migratePglite(db as unknown as PgliteDatabase<typeof schema>, config));
    return client instanceof SharedPGlite ? client.alone(run) : run();
  }
  const run = () => counted(() => migratePostgres(db as unknown as PostgresJsDatabase<typeof schema>, config));
  if (client.options.max === 1) return run();
  return db.transaction(async (lock) => {
    await lock.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    return run();
  });
}
