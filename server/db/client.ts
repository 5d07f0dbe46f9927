import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite, type QueryOptions, type Results, type Transaction } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { pgliteOptions } from './pglite-extensions.js';
import { holdToUtility } from './in-utility.js';
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
  /**
   * The same database as the portal queries it for one utility: as `portal_app`, which row-level
   * security holds to the rows of the utility set (drizzle 0020), with that utility set. The
   * handle opened is its owner's, which migrates; this one is closed before it. `connections`:
   * how many a PostgreSQL pool of this utility may open.
   */
  forUtility(utility: string, connections?: number): Promise<DatabaseHandle>;
}

/** The role the portal queries as (drizzle 0020): held to row-level security, which superusers are not. */
export const APP_ROLE = 'portal_app';

/** A literal for SQL text: the utility ids of profiles are [a-z0-9-], quoted all the same. */
const literal = (text: string) => `'${text.replaceAll("'", "''")}'`;

/**
 * PGlite's one session, lent to one utility a transaction at a time: every query and
 * transaction begins by taking the role and the utility for that transaction only (SET LOCAL),
 * so that requests of several utilities can share the session, one after the other (PGlite runs
 * one transaction at a time), and the socket's reset between commands cannot undo them.
 * Implements what drizzle's PGlite driver calls on its client (query and transaction).
 */
export class UtilitySession {
  readonly #setUp: string;
  readonly #observe: Sent | undefined;

  constructor(
    readonly pglite: PGlite,
    utility: string,
    observe?: StatementObserver
  ) {
    this.#observe = observe && ((statement, parameters) => observe(utility, statement, parameters));
    // SET, not set_config(): a SELECT would take the transaction's snapshot, after which an isolation level can no longer be chosen.
    this.#setUp = `set local role ${APP_ROLE}; set local app.utility = ${literal(utility)}`;
  }

  query<T>(query: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> {
    return this.transaction((tx) => tx.query<T>(query, params, options));
  }

  exec(query: string, options?: QueryOptions): Promise<Results[]> {
    return this.transaction((tx) => tx.exec(query, options));
  }

  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T> {
    return this.pglite.transaction(async (tx) => {
      await tx.exec(this.#setUp);
      return work(this.#observe ? observed(tx, this.#observe) : tx);
    });
  }
}

/**
 * Sees each statement a utility's share sends, with its parameters as sent, before it runs: how
 * a test lists every query the portal makes (tests/integration/utility-filters.test.ts).
 */
export type StatementObserver = (utility: string, statement: string, parameters: readonly unknown[]) => void;
type Sent = (statement: string, parameters: readonly unknown[]) => void;

/** A PGlite transaction whose statements observe sees first; the rest of it is the transaction's own (its prototype). */
function observed(tx: Transaction, observe: Sent): Transaction {
  return Object.assign(Object.create(tx) as Transaction, {
    query: <T>(query: string, params?: unknown[], options?: QueryOptions) => {
      observe(query, params ?? []);
      return tx.query<T>(query, params, options);
    },
    exec: (query: string, options?: QueryOptions) => {
      observe(query, []);
      return tx.exec(query, options);
    }
  });
}

/**
 * Where the database is, and (but for a PGlite already open, which was opened for one) the
 * utility whose rows its sessions read and write: every table holding a utility's rows lets a
 * session see only those of the utility it is set to (drizzle 0020).
 */
export type DatabaseTarget =
  | { databaseUrl: string; utility: string; observe?: StatementObserver }
  | { pgliteDir: string; utility: string }
  /**
   * The embedded database under DATA_DIR, as its one owner: the server owns it and serves it on
   * a socket; a command owns it while no server runs, else works through that socket.
   */
  | { embedded: string; as: Holder['role']; utility: string }
  /** An embedded database already open (with pgliteOptions(utility)), such as a test's copy of a migrated one. */
  | { pglite: PGlite; utility: string; observe?: StatementObserver };

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

/** Thrown when a utility's share would not be held to row-level security: one utility could read another's rows. */
class UnsealedDatabase extends Error {}

/**
 * The role a utility's connections take: portal_app when this connection's user may take it,
 * else none, the user itself (a database user that may not make roles migrated without it,
 * README) — but never a user that row-level security does not hold (a superuser, BYPASSRLS).
 */
async function roleForShares(client: postgres.Sql): Promise<string | undefined> {
  const [row] = await client<{ may: boolean; unbound: boolean; user: string }[]>`
    select case when exists (select from pg_roles where rolname = ${APP_ROLE}) then pg_has_role(current_user, ${APP_ROLE}, 'MEMBER') else false end as "may",
      (select rolsuper or rolbypassrls from pg_roles where rolname = current_user) as "unbound", current_user as "user"`;
  if (row!.may) return APP_ROLE;
  if (row!.unbound) {
    throw new UnsealedDatabase(
      `the database user ${row!.user} is a superuser or bypasses row-level security and cannot take the role ${APP_ROLE}: create the role and GRANT ${APP_ROLE} TO ${row!.user} (README, "Utilities sealed off by the database")`
    );
  }
  return undefined;
}

function postgresHandle(
  client: postgres.Sql,
  utility: string,
  openForUtility?: (utility: string, connections: number, role: string | undefined) => postgres.Sql
): DatabaseHandle {
  const db = holdToUtility(drizzlePostgres(client, { schema }) as unknown as Database, utility);
  return {
    db,
    driver: 'postgres',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: () => client.end({ timeout: 5 }),
    async forUtility(utility, connections = POOL_CONNECTIONS) {
      if (!openForUtility) throw new Error("a utility's share is opened from the owner's database, not from another share");
      const role = await roleForShares(client);
      return postgresHandle(openForUtility(utility, connections, role), utility);
    }
  };
}

/** before and after closing it: what its owner holds beside it; observe: its shares' statements. */
interface EmbeddedOptions {
  before?: () => Promise<void>;
  after?: () => void;
  observe?: StatementObserver;
}

function pgliteHandle(client: PGlite, utility: string, { before = async () => {}, after = () => {}, observe }: EmbeddedOptions = {}): DatabaseHandle {
  const db = holdToUtility(drizzlePglite(client, { schema }) as unknown as Database, utility);
  let copyGranted: Promise<unknown> | undefined;
  return {
    db,
    driver: 'pglite',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: async () => {
      await before();
      if (!client.closed) await client.close();
      after();
    },
    async forUtility(utility) {
      // PGlite reads COPY input only from a file (copy.ts), which takes this role; its files are the database's own.
      copyGranted ??= client.exec(`grant pg_read_server_files to ${APP_ROLE}`);
      await copyGranted;
      return utilitySessionHandle(new UtilitySession(client, utility, observe), utility);
    }
  };
}

/** A utility's share of an embedded database: closing it leaves the database to its owner. */
function utilitySessionHandle(session: UtilitySession, utility: string): DatabaseHandle {
  const db = holdToUtility(drizzlePglite(session as unknown as PGlite, { schema }) as unknown as Database, utility);
  return {
    db,
    driver: 'pglite',
    ping: (timeoutMs) => schemaAnswers(db, timeoutMs),
    close: async () => {},
    forUtility: async (other) => utilitySessionHandle(new UtilitySession(session.pglite, other), other)
  };
}

/** A running portal's embedded database, through its socket: one connection, one session. */
async function throughSocket(dataDir: string, holder: Holder & { socket: string }, utility: string): Promise<DatabaseHandle> {
  // A socket nobody listens on fails at once; a portal busy in a long transaction (an upload's
  // import) answers the log-in when its turn ends, which the command waits for.
  // Unprepared (`prepare: false` wins over a query's own): the one session is shared, and
  // statements named there would outlive this connection.
  const connect = (connection: Record<string, string>) =>
    postgres({ path: holder.socket!, user: 'postgres', database: 'postgres', max: 1, prepare: false, onnotice: () => {}, connect_timeout: 0, connection });
  const client = connect({});
  try {
    await client`select 1`;
  } catch {
    await client.end({ timeout: 0 });
    throw new EmbeddedDatabaseBusy(busyMessage(dataDir, holder, 'command'));
  }
  // The socket sets a client's role and utility up at each of its turns (pglite-socket.ts).
  return postgresHandle(client, utility, (other, _connections, role) => connect({ 'app.utility': other, ...(role ? { role } : {}) }));
}

async function openEmbedded(dataDir: string, as: Holder['role'], utility: string): Promise<DatabaseHandle> {
  const place = as === 'server' ? socketPlace(dataDir) : undefined;
  const lock = takeLock(dataDir, { role: as, socket: place?.path });
  if ('pid' in lock) {
    place?.remove();
    if (as === 'command' && lock.socket) return throughSocket(dataDir, { ...lock, socket: lock.socket }, utility);
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
    return pgliteHandle(client, utility, { before: async () => served?.close(), after: letGo });
  } catch (error) {
    letGo();
    throw error;
  }
}

/** Connections of a PostgreSQL pool: the owner's, and a utility's unless told otherwise. */
const POOL_CONNECTIONS = 10;

function postgresPool(url: string, max: number, connection: Record<string, string>, observe?: Sent): postgres.Sql {
  return postgres(url, {
    max,
    ...(observe ? { debug: (_connection: number, statement: string, parameters: unknown[]) => observe(statement, parameters) } : {}),
    onnotice: () => {},
    // Every connection is the utility's from its start (a parameter of the log-in, not a SET), and so is its role.
    connection,
    // A utility quiet for a minute holds no connections: many utilities share the server's.
    idle_timeout: 60,
    // A dead server must be noticed within 5 s, not after the 30 s default (/healthz has its own 800 ms).
    connect_timeout: 5,
    // A query on a closed connection waits out this delay before reconnecting. The default grows
    // with every failed attempt up to 20 s, so after an outage of a few seconds the portal would
    // stay down (and requests hang) for another 20: a second at most, whatever the outage.
    backoff: (retries: number) => Math.min(0.1 * retries, 1)
  });
}

export async function openDatabase(target: DatabaseTarget): Promise<DatabaseHandle> {
  if ('databaseUrl' in target) {
    const { databaseUrl, observe } = target;
    return postgresHandle(postgresPool(databaseUrl, POOL_CONNECTIONS, { 'app.utility': target.utility }), target.utility, (utility, connections, role) =>
      postgresPool(
        databaseUrl,
        connections,
        { 'app.utility': utility, ...(role ? { role } : {}) },
        observe && ((statement, parameters) => observe(utility, statement, parameters))
      )
    );
  }
  if ('embedded' in target) return openEmbedded(target.embedded, target.as, target.utility);
  if ('pglite' in target) return pgliteHandle(target.pglite, target.utility, { observe: target.observe });
  mkdirSync(path.dirname(target.pgliteDir), { recursive: true });
  return pgliteHandle(await PGlite.create(target.pgliteDir, pgliteOptions(target.utility)), target.utility);
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
export function driverClient(db: Database): postgres.Sql | PGlite | UtilitySession | undefined {
  return (db as { $client?: postgres.Sql | PGlite | UtilitySession }).$client;
}

/** Rows of a raw SQL statement on either driver: postgres.js returns the rows, PGlite wraps them in { rows }. */
export async function selectRows<T>(db: { execute(statement: SQL): PromiseLike<unknown> }, statement: SQL): Promise<T[]> {
  const result = await db.execute(statement);
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}
