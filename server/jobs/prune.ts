import { and, lt, or } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { inUtility } from '../db/in-utility.js';
import { clientChanges, emailCodes, proofAttempts, rateEvents, sessions, staffSessions } from '../db/schema.js';
import { STAFF_IDLE_MINUTES } from '../sessions/staff-sessions.js';

const HOUR_MS = 3600_000;

/**
 * Deletes what has stopped mattering: expired sessions (a staff session also once idle), codes and rate events older than a
 * day (every limit looks back an hour at most), faucet proofs older than a week (kept that
 * long so staff can see why a customer was locked out), and the ids of devices' changes after
 * 30 days (a device resends an unanswered change at its next sync, not a month later).
 */
export async function pruneExpired(db: Database, now: Date): Promise<void> {
  const dayAgo = new Date(now.getTime() - 24 * HOUR_MS);
  await db.delete(sessions).where(and(inUtility(db, sessions), lt(sessions.expiresAt, now)));
  const idleSince = new Date(now.getTime() - STAFF_IDLE_MINUTES * 60_000);
  await db.delete(staffSessions).where(and(inUtility(db, staffSessions), or(lt(staffSessions.expiresAt, now), lt(staffSessions.lastSeenAt, idleSince))));
  await db.delete(emailCodes).where(and(inUtility(db, emailCodes), lt(emailCodes.createdAt, dayAgo)));
  await db.delete(rateEvents).where(and(inUtility(db, rateEvents), lt(rateEvents.at, dayAgo)));
  await db.delete(proofAttempts).where(and(inUtility(db, proofAttempts), lt(proofAttempts.attemptedAt, new Date(now.getTime() - 7 * 24 * HOUR_MS))));
  await db.delete(clientChanges).where(and(inUtility(db, clientChanges), lt(clientChanges.receivedAt, new Date(now.getTime() - 30 * 24 * HOUR_MS))));
}

/** Prunes now and every hour; several app processes doing it at once is harmless. */
export function schedulePruning(db: Database, onError: (error: unknown) => void): () => void {
  const run = () => void pruneExpired(db, new Date()).catch(onError);
  run();
  const timer = setInterval(run, HOUR_MS);
  timer.unref();
  return () => clearInterval(timer);
}
