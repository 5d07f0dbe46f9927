import { and, count, eq, gt } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { rateEvents } from '../../db/schema.js';

/**
 * Counters kept in the database, so every app process sees the same limits. A bucket names
 * what is limited ("login:<email>", "code:<email>"); server/jobs/prune.ts drops old events.
 */
export async function recordEvent(db: Database, bucket: string, now: Date): Promise<void> {
  await db.insert(rateEvents).values({ bucket, at: now });
}

export async function eventsSince(db: Database, bucket: string, since: Date): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(rateEvents)
    .where(and(eq(rateEvents.bucket, bucket), gt(rateEvents.at, since)));
  return row?.count ?? 0;
}
