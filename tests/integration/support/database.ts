import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { afterEach, beforeEach, inject } from 'vitest';
import { demoProfilePath } from '../../../server/config.js';
import { migrate, migrationsFolder } from '../../../server/db/migrate.js';
import { pgliteOptions } from '../../../server/db/pglite-extensions.js';
import { openDatabase, type Database, type DatabaseHandle, type DatabaseTarget, type StatementObserver } from '../../../server/db/client.js';
import { demoUtility } from './import-files.js';

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

/**
 * A database of its own on the PostgreSQL server at `baseUrl`: empty, or with `migrated` a copy
 * of the migrated template (migratedPostgresTemplate), far quicker than migrating anew.
 */
export async function createScratchPostgres(baseUrl: string, options: { migrated?: boolean } = {}): Promise<ScratchPostgres> {
  const template = options.migrated ? await migratedPostgresTemplate(baseUrl) : undefined;
  const name = `portal_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(template ? `create database ${name} template ${template}` : `create database ${name}`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(baseUrl, name),
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

function databaseUrl(baseUrl: string, name: string): string {
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Names what a migrated database holds: the migrations (their SQL and journal) and the code that
 * applies them. A change to either makes a new template; one left over from before is never used.
 */
function migrationsDigest(): string {
  const hash = createHash('sha256');
  const files = [
    ...readdirSync(migrationsFolder)
      .filter((file) => file.endsWith('.sql'))
      .sort()
      .map((file) => path.join(migrationsFolder, file)),
    path.join(migrationsFolder, 'meta/_journal.json'),
    fileURLToPath(new URL('../../../server/db/migrate.ts', import.meta.url))
  ];
  for (const file of files) hash.update(`${path.relative(migrationsFolder, file)}\0`).update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** Any constant: every test process that builds a template takes this lock on the server's own database first. */
const TEMPLATE_LOCK_KEY = 727_002;

const migratedTemplates = new Map<string, Promise<string>>();

/**
 * PostgreSQL: the name of a migrated database that test databases are copied from, one per
 * migrations content on the server (it outlives the run, so later runs skip migrating too;
 * building one drops those of earlier migrations).
 * Processes starting together take an advisory lock, so one builds it and the others find it;
 * it gets its name only once migrated, so a process killed while building leaves no half-made
 * template behind under that name.
 */
/** How long a template of other migrations is kept after it was built (its database comment holds when). */
const TEMPLATE_KEPT_MS = 24 * 60 * 60 * 1000;

function migratedPostgresTemplate(baseUrl: string): Promise<string> {
  let template = migratedTemplates.get(baseUrl);
  if (!template) {
    template = buildMigratedTemplate(baseUrl, `portal_template_${migrationsDigest()}`);
    migratedTemplates.set(baseUrl, template);
  }
  return template;
}

async function buildMigratedTemplate(baseUrl: string, name: string): Promise<string> {
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  try {
    // Held by this session until it ends, whatever happens below.
    await admin`select pg_advisory_lock(${TEMPLATE_LOCK_KEY})`;
    const [existing] = await admin`select 1 from pg_database where datname = ${name}`;
    if (existing) return name;
    // Templates of other migrations are dropped once a day old, not at once: another checkout
    // on the same server (a branch with other migrations) may be running its tests from one.
    const stale = await admin<{ datname: string }[]>`
      select datname from pg_database
      where datname like 'portal\_template\_%' and datname <> ${name}
        and coalesce(shobj_description(oid, 'pg_database'), '0')::bigint < ${Date.now() - TEMPLATE_KEPT_MS}`;
    for (const { datname } of stale) await admin.unsafe(`drop database if exists ${datname}`).catch(() => undefined);
    const building = `${name}_building`;
    await admin.unsafe(`drop database if exists ${building} with (force)`);
    await admin.unsafe(`create database ${building}`);
    await admin.unsafe(`comment on database ${building} is '${Date.now()}'`);
    const handle = await openDatabase({ databaseUrl: databaseUrl(baseUrl, building), utility: demoUtility });
    try {
      await migrate(handle.db);
    } finally {
      await handle.close();
    }
    // A database is copied only while no one is connected to it: from here on no one is.
    await admin.unsafe(`alter database ${building} rename to ${name}`);
    return name;
  } finally {
    await admin.end();
  }
}

export interface TestDatabase {
  handle: DatabaseHandle;
  /** Set on PostgreSQL: the scratch database's URL, for a second client or a spawned server. */
  url: string | undefined;
  dispose(): Promise<void>;
}

/** An empty database of this run's driver, not migrated. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl) return openPgliteCopy('empty');
  return openScratchPostgres(await createScratchPostgres(serverUrl));
}

async function openScratchPostgres(scratch: ScratchPostgres, observe?: StatementObserver): Promise<TestDatabase> {
  const handle = await openDatabase({ databaseUrl: scratch.url, utility: demoUtility, observe });
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
  /** DATA_DIR, DATABASE_URL on PostgreSQL, and the demo profile alone (a deployment of one utility), for a spawned server or command. */
  env: Record<string, string> & { DATA_DIR: string };
  /** The same database, for the test to open. */
  target: DatabaseTarget;
  dispose(): Promise<void>;
}

export interface CommandDatabaseOptions {
  /** A copy of the migrated template, for a test whose command or server is not there to migrate. */
  migrated?: boolean;
  /** DATA_DIR, made if missing, instead of a fresh temporary folder. */
  dataDir?: string;
}

/** A database for a spawned process: empty (on PGlite a fresh DATA_DIR, where the process makes it) or migrated. */
export async function createCommandDatabase(options: CommandDatabaseOptions = {}): Promise<CommandDatabase> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'portal-data-'));
  mkdirSync(dataDir, { recursive: true });
  if (!serverUrl) {
    const pgliteDir = path.join(dataDir, 'pglite');
    if (options.migrated) cpSync(path.join(await pgliteTemplate(), 'migrated'), pgliteDir, { recursive: true });
    return { env: { DATA_DIR: dataDir, UTILITY_CONFIG: demoProfilePath }, target: { pgliteDir, utility: demoUtility }, dispose: async () => {} };
  }
  const scratch = await createScratchPostgres(serverUrl, { migrated: options.migrated });
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: scratch.url, UTILITY_CONFIG: demoProfilePath },
    target: { databaseUrl: scratch.url, utility: demoUtility },
    dispose: () => scratch.drop()
  };
}

let pgliteTemplateReady: Promise<string> | undefined;

/**
 * PGlite: the folder of this run's template, made by the first test file that asks. Making an
 * embedded database (PGlite's initdb) costs seconds of CPU, more than loading one, so it is made
 * once: `empty.tar` as made, `migrated.tar` once migrated (dumpDataDir's form, for loadDataDir),
 * and `migrated/`, that one's data folder once closed, for a DATA_DIR.
 * Two files starting together may both make it: the first to rename its own into place wins.
 */
function pgliteTemplate(): Promise<string> {
  pgliteTemplateReady ??= (async () => {
    const ready = path.join(inject('runDir'), 'pglite-template');
    if (existsSync(ready)) return ready;
    const building = mkdtempSync(`${ready}-building-`);
    const embedded = await PGlite.create(path.join(building, 'migrated'), pgliteOptions(demoUtility));
    const dump = async (name: string) => writeFileSync(path.join(building, name), Buffer.from(await (await embedded.dumpDataDir('none')).arrayBuffer()));
    const handle = await openDatabase({ pglite: embedded, utility: demoUtility });
    try {
      await dump('empty.tar');
      await migrate(handle.db);
      await dump('migrated.tar');
    } finally {
      await handle.close();
    }
    try {
      renameSync(building, ready);
    } catch (error) {
      if (!existsSync(ready)) throw error;
      rmSync(building, { recursive: true, force: true });
    }
    return ready;
  })();
  return pgliteTemplateReady;
}

const pgliteTars: Partial<Record<'empty' | 'migrated', Promise<Buffer>>> = {};

/** PGlite in memory, loaded from the template's empty or migrated database. */
async function openPgliteCopy(kind: 'empty' | 'migrated', observe?: StatementObserver): Promise<TestDatabase> {
  const tar = (pgliteTars[kind] ??= pgliteTemplate().then((dir) => readFileSync(path.join(dir, `${kind}.tar`))));
  const handle = await openDatabase({ pglite: await PGlite.create({ ...pgliteOptions(demoUtility), loadDataDir: new Blob([new Uint8Array(await tar)]) }), utility: demoUtility, observe });
  return { handle, url: undefined, dispose: () => handle.close() };
}

/** A migrated, empty database of this run's driver; observe sees what its utilities' shares send. */
export async function createMigratedTestDatabase(observe?: StatementObserver): Promise<TestDatabase> {
  if (serverUrl) return openScratchPostgres(await createScratchPostgres(serverUrl, { migrated: true }), observe);
  return openPgliteCopy('migrated', observe);
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
    async create(options: CommandDatabaseOptions = {}): Promise<CommandDatabase> {
      const database = await createCommandDatabase(options);
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
