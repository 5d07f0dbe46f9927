import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
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

export type DatabaseTarget =
  | { databaseUrl: string }
  | { pgliteDir: string }
  | { pgliteInMemory: true }
  /** An embedded database already open, such as a clone of a migrated template. */
  | { pglite: PGlite };

/** PostgreSQL when DATABASE_URL is set, else the embedded database under DATA_DIR. */
export function configuredTarget(config: { databaseUrl: string | undefined; dataDir: string }): DatabaseTarget {
  return config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDir: path.join(config.dataDir, 'pglite') };
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

/**
 * drizzle sends every statement unprepared, so PostgreSQL parses and plans the same sync and
 * session queries anew for every request. A statement with parameters is one the app runs
 * again with other values: postgres.js prepares it once per connection and reuses it. Those
 * without (DDL, migrations, an import's fixed statements) stay one-off, and so does everything
 * inside a transaction, which runs on the connection postgres.js hands to it.
 */
function preparingParameterised(client: postgres.Sql): postgres.Sql {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'unsafe') return Reflect.get(target, property, receiver) as unknown;
      return (query: string, parameters?: postgres.ParameterOrJSON<never>[], options?: postgres.UnsafeQueryOptions) =>
        target.unsafe(query, parameters, { ...options, prepare: (parameters?.length ?? 0) > 0 });
    }
  });
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if ('databaseUrl' in target) {
    const client = postgres(target.databaseUrl, {
      max: 10,
      onnotice: () => {},
      // A dead server must be noticed within 5 s, not after the 30 s default (/healthz has its own 800 ms).
      connect_timeout: 5,
      // A query on a closed connection waits out this delay before reconnecting. The default grows
      // with every failed attempt up to 20 s, so after an outage of a few seconds the portal would
      // stay down (and requests hang) for another 20: a second at most, whatever the outage.
      backoff: (retries: number) => Math.min(0.1 * retries, 1)
    });
    const db = drizzlePostgres(preparingParameterised(client), { schema }) as unknown as Database;
    return {
      db,
      driver: 'postgres',
      ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
      close: () => client.end({ timeout: 5 })
    };
  }
  let client: PGlite;
  if ('pglite' in target) {
    client = target.pglite;
  } else if ('pgliteDir' in target) {
    mkdirSync(path.dirname(target.pgliteDir), { recursive: true });
    client = await PGlite.create(target.pgliteDir);
  } else {
    client = await PGlite.create();
  }
  const db = drizzlePglite(client, { schema }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: async () => {
      if (!client.closed) await client.close();
    }
  };
}

/** Rows of a raw SQL statement on either driver: postgres.js returns the rows, PGlite wraps them in { rows }. */
export async function selectRows<T>(db: { execute(statement: SQL): PromiseLike<unknown> }, statement: SQL): Promise<T[]> {
  const result = await db.execute(statement);
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
