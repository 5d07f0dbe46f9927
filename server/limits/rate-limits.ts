import { and, count, eq, gt, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { inUtility } from '../db/in-utility.js';
import { rateEvents } from '../db/schema.js';

/** At most `max` events in `bucket` ("login:<email>", "code:signup:<email>" …) within the last `windowMs`. */
export interface Limit {
  bucket: string;
  max: number;
  windowMs: number;
}

export type Attempt = { ok: true; eventIds: number[] } | { ok: false; full: Limit };

/**
 * The transaction a locked count runs in. Read committed, whatever the database's default:
 * each statement then sees what committed before it, so a count taken after the lock sees
 * the attempt its previous holder recorded. Under repeatable read the snapshot would be taken
 * while waiting for the lock, and requests sent together would all pass again.
 */
export const LOCKED_COUNT = { isolationLevel: 'read committed' } as const;

/**
 * Serialises the callers of these keys of the utility until the end of the transaction, across
 * every app process on the database. Taken in one order, so two callers never wait on each other
 * crosswise; another utility's callers of the same key (one e-mail at both) do not wait.
 */
export async function lockKeys(tx: Database, keys: string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(current_setting('app.utility') || ' ' || ${key}, 0))`);
  }
}

/**
 * Records one attempt under every limit, or none when one is full. Count and record happen in
 * one transaction holding the buckets' locks, so requests sent at the same moment are counted
 * one after another instead of all passing a check made before any of them was recorded. The
 * events are kept in the database, so every app process sees the same limits;
 * server/jobs/prune.ts drops old ones.
 */
export async function takeAttempt(db: Database, limits: Limit[], now: Date): Promise<Attempt> {
  return db.transaction(async (tx) => {
    await lockKeys(tx, limits.map((limit) => `rate:${limit.bucket}`));
    for (const limit of limits) {
      const [row] = await tx
        .select({ count: count() })
        .from(rateEvents)
        .where(and(inUtility(tx, rateEvents), eq(rateEvents.bucket, limit.bucket), gt(rateEvents.at, new Date(now.getTime() - limit.windowMs))));
      if ((row?.count ?? 0) >= limit.max) return { ok: false, full: limit };
    }
    const buckets = [...new Set(limits.map((limit) => limit.bucket))];
    const recorded = await tx
      .insert(rateEvents)
      .values(buckets.map((bucket) => ({ bucket, at: now })))
      .returning({ id: rateEvents.id });
    return { ok: true, eventIds: recorded.map((event) => event.id) };
  }, LOCKED_COUNT);
}

/** An attempt that went well (the right password) stops counting against its limits. */
export async function forgiveAttempt(db: Database, attempt: { eventIds: number[] }): Promise<void> {
  await db.delete(rateEvents).where(and(inUtility(db, rateEvents), inArray(rateEvents.id, attempt.eventIds)));
}
