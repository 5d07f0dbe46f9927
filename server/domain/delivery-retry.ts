/**
 * When a notice delivery that failed for a passing reason (a push service's 429 or 5xx, a
 * network error, a mail server that did not answer) is tried again, and when it stops.
 */
const MINUTE_MS = 60_000;

/** Waits after the 1st, 2nd, 3rd… failed try; every later try waits as long as the last. */
export const retryDelaysMinutes = [1, 5, 15, 60] as const;

/** A notice older than this is news no more: it is marked failed instead of tried again. */
export const deliveryLifetimeMs = 24 * 60 * MINUTE_MS;

export type RetryPlan = { retryAt: Date } | { expired: true };

/**
 * After a failed try: retry later, never past the delivery's 24 hours (one last try falls at
 * that moment), or give up once those are over.
 */
export function planRetry(createdAt: Date, attempts: number, now: Date): RetryPlan {
  const deadline = createdAt.getTime() + deliveryLifetimeMs;
  if (now.getTime() >= deadline) return { expired: true };
  const delay = retryDelaysMinutes[Math.min(Math.max(attempts, 1), retryDelaysMinutes.length) - 1]! * MINUTE_MS;
  return { retryAt: new Date(Math.min(now.getTime() + delay, deadline)) };
}
