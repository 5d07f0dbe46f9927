import type { IncomingMessage } from 'node:http';
import { and, eq, gt, isNull, ne } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { inUtility, sameUtility } from '../db/in-utility.js';
import { staff, staffSessions } from '../db/schema.js';
import { cookieHeader, newToken, readCookie, tokenHash } from './sessions.js';

/** A staff session ends 8 hours after log-in whatever happens, and after 30 minutes without a request. */
export const STAFF_SESSION_HOURS = 8;
export const STAFF_IDLE_MINUTES = 30;
const HOUR_MS = 3600_000;
const MINUTE_MS = 60_000;
/** lastSeenAt is written at most once a minute, so a console's requests stay reads. */
const TOUCH_EVERY_MS = MINUTE_MS;

const COOKIE = 'staff_session';

export interface StaffMember {
  staffId: number;
  email: string;
  role: 'clerk' | 'admin';
  mustChangePassword: boolean;
}

export async function createStaffSession(db: Database, staffId: number, now: Date): Promise<string> {
  const token = newToken();
  await db.insert(staffSessions).values({
    tokenHash: tokenHash(token),
    staffId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + STAFF_SESSION_HOURS * HOUR_MS)
  });
  return token;
}

/**
 * The staff member a token belongs to while the session is neither over 8 hours old nor idle 30
 * minutes, and the account not disabled (disabling ends its sessions too: this holds if one is ever missed); else null.
 */
export async function staffOfSession(db: Database, token: string, now: Date): Promise<StaffMember | null> {
  const hash = tokenHash(token);
  const [row] = await db
    .select({
      staffId: staff.id,
      email: staff.email,
      role: staff.role,
      mustChangePassword: staff.mustChangePassword,
      lastSeenAt: staffSessions.lastSeenAt
    })
    .from(staffSessions)
    .innerJoin(staff, and(sameUtility(staff, staffSessions), eq(staff.id, staffSessions.staffId)))
    .where(
      and(
        inUtility(db, staffSessions),
        eq(staffSessions.tokenHash, hash),
        isNull(staff.disabledAt),
        gt(staffSessions.expiresAt, now),
        gt(staffSessions.lastSeenAt, new Date(now.getTime() - STAFF_IDLE_MINUTES * MINUTE_MS))
      )
    );
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(and(inUtility(db, staffSessions), eq(staffSessions.tokenHash, hash)));
  }
  return { staffId: row.staffId, email: row.email, role: row.role, mustChangePassword: row.mustChangePassword };
}

export async function endStaffSession(db: Database, token: string): Promise<void> {
  await db.delete(staffSessions).where(and(inUtility(db, staffSessions), eq(staffSessions.tokenHash, tokenHash(token))));
}

/** Ends every session of the staff member but the one given (password change). */
export async function endOtherStaffSessions(db: Database, staffId: number, keepToken: string): Promise<void> {
  await db.delete(staffSessions).where(and(inUtility(db, staffSessions), eq(staffSessions.staffId, staffId), ne(staffSessions.tokenHash, tokenHash(keepToken))));
}

export function staffSessionCookie(origin: string, token: string | null): string {
  return cookieHeader(origin, COOKIE, token, STAFF_SESSION_HOURS * 3600);
}

export function readStaffSessionToken(req: IncomingMessage, origin: string): string | null {
  return readCookie(req, origin, COOKIE);
}
