import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { pgliteOptions } from './pglite-extensions.js';
import { busyMessage, EmbeddedDatabaseBusy, socketPlace, takeLock, type Holder } from './owner.js';
import { servePglite, SharedPGlite } from './pglite-socket.js';
import * as schema from './schema.js';

/** One type for both drivers, so every query is written once and runs on both. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Answers within timeoutMs: true when the database ran a query on the app's schema. */
  ping(timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * Where the database is, and (but for a PGlite already open, which was opened for one) the
 * utility whose rows its sessions read and write: every table holding a utility's rows lets a
 * session see only those of the utility it is set to (drizzle 0020).
 */
export type DatabaseTarget =
  | { databaseUrl: string; utility: string }
  | { pgliteDir: string; utility: string }
  /**
   * The embedded database under DATA_DIR, as its one owner: the server owns it and serves it on
   * a socket; a command owns it while no server runs, else works through that socket.
   */
  | { embedded: string; as: Holder['role']; utility: string }
  /** An embedded database already open (with pgliteOptions), such as a test's copy of a migrated one. */
  | { pglite: PGlite };

/** PostgreSQL when DATABASE_URL is set, else the embedded database under DATA_DIR; for the profile's utility. */
export function configuredTarget(
  config: { databaseUrl: string | undefined; dataDir: string; profile: { id: string } },
  as: Holder['role']
): DatabaseTarget {
  const utility = config.profile.id;
  return config.databaseUrl ? { databaseUrl: config.databaseUrl, utility } : { embedded: config.dataDir, as, utility };
}

function withTimeout(query: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  const answered = query.then(
    () => true,
    () => false
  );
  return Promise.race([answered, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A server that answers is not enough: a database re-created empty answers `select 1` while
 * every call fails. Reading no rows of a table every request uses costs as little.
 */
function schemaAnswers(db: Database, timeoutMs: number): Promise<boolean> {
  return withTimeout(db.select({ one: sql`1` }).from(schema.sessions).limit(0).execute(), timeoutMs);
}

function postgresHandle(client: postgres.Sql): DatabaseHandle {
  const db = drizzlePostgres(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'postgres',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: () => client.end({ timeout: 5 })
  };
}

function pgliteHandle(client: PGlite, before: () => Promise<void> = async () => {}, after: () => void = () => {}): DatabaseHandle {
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: async () => {
      await before();
      if (!client.closed) await client.close();
      after();
    }
  };
}

/** A running portal's embedded database, through its socket: one connection, one session. */
async function throughSocket(dataDir: string, holder: Holder & { socket: string }): Promise<DatabaseHandle> {
  // A socket nobody listens on fails at once; a portal busy in a long transaction (an upload's
  // import) answers the log-in when its turn ends, which the command waits for.
  // Unprepared (`prepare: false` wins over a query's own): the one session is shared, and
  // statements named there would outlive this connection.
  const client = postgres({ path: holder.socket, user: 'postgres', database: 'postgres', max: 1, prepare: false, onnotice: () => {}, connect_timeout: 0 });
  try {
    await client`select 1`;
  } catch {
    await client.end({ timeout: 0 });
    throw new EmbeddedDatabaseBusy(busyMessage(dataDir, holder, 'command'));
  }
  return postgresHandle(client);
}

async function openEmbedded(dataDir: string, as: Holder['role'], utility: string): Promise<DatabaseHandle> {
  const place = as === 'server' ? socketPlace(dataDir) : undefined;
  const lock = takeLock(dataDir, { role: as, socket: place?.path });
  if ('pid' in lock) {
    place?.remove();
    if (as === 'command' && lock.socket) return throughSocket(dataDir, { ...lock, socket: lock.socket });
    throw new EmbeddedDatabaseBusy(busyMessage(dataDir, lock, as));
  }
  const letGo = () => {
    place?.remove();
    lock.release();
  };
  try {
    const client = await SharedPGlite.open(path.join(dataDir, 'pglite'), utility);
    const served = place ? await servePglite(client, place.path) : undefined;
    // The socket closes first, so that a command's open transaction is undone while the database is there.
    return pgliteHandle(client, async () => served?.close(), letGo);
  } catch (error) {
    letGo();
    throw error;
  }
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if ('databaseUrl' in target) {
    return postgresHandle(
      postgres(target.databaseUrl, {
        max: 10,
        onnotice: () => {},
        // Every connection is the utility's from its start (a parameter of the log-in, not a SET).
        connection: { 'app.utility': target.utility },
        // A dead server must be noticed within 5 s, not after the 30 s default (/healthz has its own 800 ms).
        connect_timeout: 5,
        // A query on a closed connection waits out this delay before reconnecting. The default grows
        // with every failed attempt up to 20 s, so after an outage of a few seconds the portal would
        // stay down (and requests hang) for another 20: a second at most, whatever the outage.
        backoff: (retries: number) => Math.min(0.1 * retries, 1)
      })
    );
  }
  if ('embedded' in target) return openEmbedded(target.embedded, target.as, target.utility);
  if ('pglite' in target) return pgliteHandle(target.pglite);
  mkdirSync(path.dirname(target.pgliteDir), { recursive: true });
  return pgliteHandle(await PGlite.create(target.pgliteDir, pgliteOptions(target.utility)));
}

/**
 * A query built once per database, for the statements every request runs: given drizzle's
 * `.prepare(name)`, postgres.js parses and plans it once per connection and reuses it after
 * (drizzle sends the others unprepared, PGlite treats both alike).
 */
export function preparedPerDatabase<Prepared>(prepare: (db: Database) => Prepared): (db: Database) => Prepared {
  const byDatabase = new WeakMap<Database, Prepared>();
  return (db) => {
    let prepared = byDatabase.get(db);
    if (!prepared) byDatabase.set(db, (prepared = prepare(db)));
    return prepared;
  };
}

/** The driver's own client under db (drizzle's documented `db.$client`); a transaction has none. */
export function driverClient(db: Database): postgres.Sql | PGlite | undefined {
  return (db as { $client?: postgres.Sql | PGlite }).$client;
}

/** Rows of a raw SQL statement on either driver: postgres.js returns the rows, PGlite wraps them in { rows }. */
export async function selectRows<T>(db: { execute(statement: SQL): PromiseLike<unknown> }, statement: SQL): Promise<T[]> {
  const result = await db.execute(statement);
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
