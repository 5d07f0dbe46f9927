import { hash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { preparedPerDatabase, type Database } from '../db/client.js';
import { inUtility } from '../db/in-utility.js';
import { pushSubscriptions, sessions } from '../db/schema.js';
import { RefusalError } from '../errors.js';

export const SESSION_DAYS = 30;
const DAY_MS = 24 * 3600_000;

export const tokenHash = (token: string) => hash('sha256', token);

/** A fresh random session token: only its hash (tokenHash) is stored. */
export const newToken = () => randomBytes(32).toString('base64url');

export async function createSession(db: Database, customerId: number, now: Date): Promise<string> {
  const token = newToken();
  await db.insert(sessions).values({
    tokenHash: tokenHash(token),
    customerId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_DAYS * DAY_MS)
  });
  return token;
}

/** Every API call looks its session up. */
const sessionLookup = preparedPerDatabase((db) =>
  db
    .select({ customerId: sessions.customerId, expiresAt: sessions.expiresAt })
    .from(sessions)
    .where(and(inUtility(db, sessions), eq(sessions.tokenHash, sql.placeholder('tokenHash')), gt(sessions.expiresAt, sql.placeholder('now'))))
    .prepare('session_customer')
);

/**
 * The customer a session token belongs to, or null. Each use pushes the expiry to 30 days
 * from now (sliding), written at most once a day so reads stay reads.
 */
export async function sessionCustomer(db: Database, token: string, now: Date): Promise<number | null> {
  const hash = tokenHash(token);
  const [session] = await sessionLookup(db).execute({ tokenHash: hash, now: now.toISOString() });
  if (!session) return null;
  const renewed = new Date(now.getTime() + SESSION_DAYS * DAY_MS);
  if (renewed.getTime() - session.expiresAt.getTime() > DAY_MS) {
    await db.update(sessions).set({ expiresAt: renewed }).where(and(inUtility(db, sessions), eq(sessions.tokenHash, hash)));
  }
  return session.customerId;
}

/** A customer's request whose session has ended (expired, logged out, or ended by a password change). */
export const sessionEndedRefusal = new RefusalError('unauthorized', {
  ja: 'ログインしてください（一定時間が過ぎたか、ログアウトしました）',
  en: 'Please log in (your session has ended)'
});

export async function endSession(db: Database, token: string): Promise<void> {
  await db.delete(sessions).where(and(inUtility(db, sessions), eq(sessions.tokenHash, tokenHash(token))));
}

/**
 * Ends every session of the customer but the one given (password reset); their devices' push
 * subscriptions end with them (cascade).
 */
export async function endOtherSessions(db: Database, customerId: number, keepToken: string | null): Promise<void> {
  const others = keepToken
    ? and(eq(sessions.customerId, customerId), ne(sessions.tokenHash, tokenHash(keepToken)))
    : eq(sessions.customerId, customerId);
  await db.delete(sessions).where(and(inUtility(db, sessions), others));
}

/**
 * A password change: this device goes on in a fresh session (rotation) that keeps its push
 * subscription, and every other session of the customer ends, their devices' subscriptions
 * with them (cascade). One transaction: no moment where the device has no session, or the
 * others still have theirs.
 */
export async function rotateSessions(db: Database, customerId: number, currentToken: string, now: Date): Promise<string> {
  return db.transaction(async (tx) => {
    const token = await createSession(tx, customerId, now);
    await tx
      .update(pushSubscriptions)
      .set({ sessionTokenHash: tokenHash(token) })
      .where(and(inUtility(tx, pushSubscriptions), eq(pushSubscriptions.sessionTokenHash, tokenHash(currentToken)), eq(pushSubscriptions.customerId, customerId)));
    await endOtherSessions(tx, customerId, token);
    return token;
  });
}

/** `__Host-` pins the cookie to this origin over HTTPS; plain http://localhost cannot use it. */
function cookieName(origin: string, base: string): string {
  return origin.startsWith('https://') ? `__Host-${base}` : base;
}

export const sessionCookieName = (origin: string) => cookieName(origin, 'session');

/**
 * A session cookie: HttpOnly, SameSite=Lax, Secure everywhere but plain http on this machine.
 * Path=/ because the API's paths (/api/trpc/a,b batches) give no narrower path, and `__Host-` demands it.
 */
export function cookieHeader(origin: string, base: string, token: string | null, maxAgeSeconds: number): string {
  // *.localhost too: browsers resolve it to this machine (the second demo utility is minami.localhost).
  const secure = origin.startsWith('https://') || !/^http:\/\/((?:[a-z0-9-]+\.)*localhost|127\.0\.0\.1)(:\d+)?$/.test(origin);
  const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
  const name = cookieName(origin, base);
  return token === null
    ? [`${name}=`, 'Max-Age=0', ...attributes].join('; ')
    : [`${name}=${token}`, `Max-Age=${maxAgeSeconds}`, ...attributes].join('; ');
}

/** The customers' cookie; staff have their own (server/sessions/staff-sessions.ts), so neither session ever stands for the other. */
export function sessionCookie(origin: string, token: string | null): string {
  return cookieHeader(origin, 'session', token, SESSION_DAYS * 24 * 3600);
}

export function readCookie(req: IncomingMessage, origin: string, base: string): string | null {
  const name = cookieName(origin, base);
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=') || null;
  }
  return null;
}

export function readSessionToken(req: IncomingMessage, origin: string): string | null {
  return readCookie(req, origin, 'session');
}
