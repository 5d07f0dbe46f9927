import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterEach, beforeEach } from 'vitest';
import { migrate } from '../../../server/db/migrate.js';
import { openDatabase, type Database, type DatabaseHandle, type DatabaseTarget } from '../../../server/db/client.js';

/**
 * The database suites run on PGlite by default and on a real PostgreSQL server when
 * DATABASE_URL is set: then every test gets a database of its own, dropped afterwards.
 * An unreachable server fails the test; it never falls back to PGlite.
 */
export const serverUrl = process.env.DATABASE_URL;
export const driverName = serverUrl ? 'postgres' : 'pglite';

/**
 * The PostgreSQL server the fault suites use on either run, PGlite's too: a database that goes
 * away, or a process killed beside it, needs a server of its own. Unreachable, they fail.
 */
export const faultPostgresUrl = serverUrl ?? process.env.CI_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface ScratchPostgres {
  url: string;
  drop(): Promise<void>;
}

export async function createScratchPostgres(baseUrl: string): Promise<ScratchPostgres> {
  const name = `portal_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(baseUrl, { max: 1, onnotice: () => {} });
      try {
        await dropper.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await dropper.end();
      }
    }
  };
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Set on PostgreSQL: the scratch database's URL, for a second client or a spawned server. */
  url: string | undefined;
  dispose(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) {
    const handle = await openDatabase({ pgliteInMemory: true });
    return { handle, url: undefined, dispose: () => handle.close() };
  }
  const scratch = await createScratchPostgres(serverUrl);
  const handle = await openDatabase({ databaseUrl: scratch.url });
  return {
    handle,
    url: scratch.url,
    async dispose() {
      await handle.close();
      await scratch.drop();
    }
  };
}

export interface CommandDatabase {
  /** DATA_DIR, and DATABASE_URL on PostgreSQL, for a spawned server or command. */
  env: Record<string, string>;
  /** The same database, for the test to open. */
  target: DatabaseTarget;
  dispose(): Promise<void>;
}

/** An empty database for a spawned process: PGlite in a fresh DATA_DIR, or a scratch PostgreSQL database. */
export async function createCommandDatabase(): Promise<CommandDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'portal-data-'));
  if (!serverUrl) {
    return { env: { DATA_DIR: dataDir }, target: { pgliteDir: path.join(dataDir, 'pglite') }, dispose: async () => {} };
  }
  const scratch = await createScratchPostgres(serverUrl);
  return { env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url }, target: { databaseUrl: scratch.url }, dispose: () => scratch.drop() };
}

let migratedTemplate: Promise<PGlite> | undefined;

/** PGlite: a clone of one migrated template per test file, far quicker than migrating anew. */
async function clonedPglite(): Promise<PGlite> {
  migratedTemplate ??= (async () => {
    const { PGlite: Embedded } = await import('@electric-sql/pglite');
    const template = await Embedded.create();
    await migrate((await openDatabase({ pglite: template })).db);
    return template;
  })();
  return (await migratedTemplate).clone() as Promise<PGlite>;
}

/** A migrated, empty database of this run's driver. */
export async function createMigratedTestDatabase(): Promise<TestDatabase> {
  if (serverUrl) {
    const testDb = await createTestDatabase();
    await migrate(testDb.handle.db);
    return testDb;
  }
  const handle = await openDatabase({ pglite: await clonedPglite() });
  return { handle, url: undefined, dispose: () => handle.close() };
}

/** Gives every test of the enclosing describe a migrated, empty database of its own. */
export function useMigratedDatabase(): { readonly db: Database; readonly testDb: TestDatabase } {
  let current: TestDatabase | undefined;
  beforeEach(async () => {
    current = await createMigratedTestDatabase();
  });
  afterEach(async () => {
    await current?.dispose();
  });
  return {
    get db() {
      return current!.handle.db;
    },
    get testDb() {
      return current!;
    }
  };
}

/**
 * Resolves once `count` sessions of the PostgreSQL database at `url` wait for a lock, or once
 * `settled` does (the code under test took no lock, and the test's assertions show it).
 * PostgreSQL tells no one when a session starts waiting, so this asks pg_locks until it sees them.
 */
export async function lockWaiters(url: string, count: number, settled: Promise<unknown>): Promise<void> {
  const watcher = postgres(url, { max: 1, onnotice: () => {} });
  let done = false;
  void settled.finally(() => (done = true));
  try {
    while (!done) {
      const [row] = await watcher<{ waiting: number }[]>`
        select count(*)::int as waiting from pg_locks join pg_stat_activity using (pid)
        where not granted and datname = current_database()`;
      if (row!.waiting >= count) return;
    }
  } finally {
    await watcher.end();
  }
}

/** Databases for spawned commands, and the handles a test opens on them: all closed and dropped after each test. */
export function useCommandDatabases() {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  return {
    async create(): Promise<CommandDatabase> {
      const database = await createCommandDatabase();
      cleanups.push(() => database.dispose());
      return database;
    },
    async open(database: CommandDatabase): Promise<DatabaseHandle> {
      const handle = await openDatabase(database.target);
      cleanups.push(() => handle.close());
      return handle;
    }
  };
}
