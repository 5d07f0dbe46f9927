import { eq, sql, type Column, type SQL } from 'drizzle-orm';
import type { Database } from './client.js';

/**
 * Every query names its utility by value (issue 29): row-level security already holds a share to
 * its rows, but through `current_setting('app.utility')`, which a distributed PostgreSQL (Citus,
 * tables distributed by utility_id) cannot route on; only `utility_id = $n` sends a statement to
 * the one node holding the utility. So a share's database carries the utility it was opened for,
 * and every query takes it from there: `inUtility(db, table)` in a WHERE, `sameUtility(a, b)` in
 * a join, `utilityOf(db)` as a parameter of raw SQL. Inserts leave the column to its default
 * (current_setting('app.utility')): Citus evaluates a default on the coordinator, so an insert's
 * utility is known before it is routed. tests/integration/utility-filters.test.ts holds every
 * statement to this.
 *
 * Kept beside the drizzle object, not on it: Database stays drizzle's own type, and a
 * transaction, which drizzle makes anew each time, is looked up the same way.
 */
const utilities = new WeakMap<object, string>();

/**
 * Marks db (a drizzle database or transaction) as held to utility. drizzle hands each
 * transaction and savepoint a new object, which must carry the utility as well: its public
 * transaction() is wrapped on this object, so that every transaction opened from it is marked
 * too, without reaching into drizzle's session.
 */
export function holdToUtility(db: Database, utility: string): Database {
  utilities.set(db, utility);
  const transaction = db.transaction.bind(db);
  const marked: Database['transaction'] = (work, config) => transaction((tx) => work(holdToUtility(tx, utility) as typeof tx), config);
  Object.defineProperty(db, 'transaction', { value: marked, configurable: true, writable: true });
  return db;
}

/** The utility db was opened for; a database held to none (opened without one) is a mistake, not "every utility". */
export function utilityOf(db: object): string {
  const utility = utilities.get(db);
  if (utility === undefined) throw new Error('this database or transaction is held to no utility: open it with openDatabase or forUtility');
  return utility;
}

/** `table.utility_id = $n`, db's utility: the condition every query on a utility's table carries. */
export function inUtility(db: object, table: { utilityId: Column }): SQL {
  return eq(table.utilityId, utilityOf(db));
}

/** The two sides of a join in one utility: with the query's own `inUtility`, the planner holds both sides to it. */
export function sameUtility(left: { utilityId: Column }, right: { utilityId: Column }): SQL {
  return eq(left.utilityId, right.utilityId);
}

/** Where SQL text built from constants (the imports' statements) names its utility: withUtility binds the utility there. */
export const UTILITY = '$utility';

/** The text as SQL, each UTILITY in it a parameter holding `utility`. */
export function withUtility(text: string, utility: string): SQL {
  return sql.join(
    text.split(UTILITY).map((part) => sql.raw(part)),
    sql`${utility}`
  );
}
