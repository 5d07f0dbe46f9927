import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import { and, desc, eq, gt, isNull, lt, sql } from 'drizzle-orm';
import { mailboxOf } from '../../../src/lib/shared/email.js';
import type { Database } from '../../db/client.js';
import { inUtility } from '../../db/in-utility.js';
import { emailCodes } from '../../db/schema.js';
import { takeAttempt } from '../../limits/rate-limits.js';
import { serverSecret } from '../../secrets/secrets.js';

export type CodePurpose = 'signup' | 'reset' | 'email-change' | 'move-in';

export const CODE_VALID_MINUTES = 15;
/** After the code is entered, the rest of the flow (faucet proof, password) has this long. */
const TICKET_VALID_MINUTES = 30;
export const MAX_CODE_TRIES = 5;
export const RESEND_COOLDOWN_SECONDS = 60;
const CODES_PER_HOUR = 5;
const MINUTE_MS = 60_000;

async function codeHash(db: Database, email: string, purpose: CodePurpose, code: string): Promise<string> {
  const key = await serverSecret(db, 'email-code-hmac');
  return createHmac('sha256', key).update(`${purpose}\n${email}\n${code}`).digest('hex');
}

const ticketHash = (ticket: string) => createHash('sha256').update(ticket).digest('hex');

function sameHash(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** Code mails one client may have sent an hour, to any addresses: the utility's sender reputation is everyone's. */
const CODE_MAILS_PER_CLIENT_HOUR = 60;

/**
 * May a code (or the mail that stands in for one) go to this address now? At most one a
 * minute and five an hour per mailbox and purpose, whether or not the address has an
 * account, so the limits themselves say nothing about accounts; and at most 60 an hour from
 * one client. Returns the seconds to wait, or null when the slot is taken (and recorded) for
 * this request.
 */
export async function claimMailSlot(
  db: Database,
  request: { email: string; purpose: CodePurpose; clientKey: string },
  now: Date
): Promise<number | null> {
  // taro+1@ and taro+2@ are one mailbox: one bucket, or the tags would multiply the limit.
  const bucket = `code:${request.purpose}:${mailboxOf(request.email)}`;
  const attempt = await takeAttempt(
    db,
    [
      { bucket, max: 1, windowMs: RESEND_COOLDOWN_SECONDS * 1000 },
      { bucket, max: CODES_PER_HOUR, windowMs: 60 * MINUTE_MS },
      { bucket: `code-client:${request.clientKey}`, max: CODE_MAILS_PER_CLIENT_HOUR, windowMs: 60 * MINUTE_MS }
    ],
    now
  );
  return attempt.ok ? null : attempt.full.windowMs / 1000;
}

/** Makes a new code; every earlier code of the address and purpose stops working. */
export async function issueCode(
  db: Database,
  request: { email: string; purpose: CodePurpose; customerId?: number; now: Date }
): Promise<string> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  await db.insert(emailCodes).values({
    email: request.email,
    purpose: request.purpose,
    customerId: request.customerId ?? null,
    codeHash: await codeHash(db, request.email, request.purpose, code),
    createdAt: request.now,
    expiresAt: new Date(request.now.getTime() + CODE_VALID_MINUTES * MINUTE_MS)
  });
  return code;
}

export type CodeCheck =
  | { ok: true; ticket: string }
  | { ok: false; problem: 'wrong' | 'stale' | 'expired' | 'used-up' };

/**
 * Checks a code against the newest one of the address. Five wrong tries void it, even for
 * the right code afterwards. A code that matches an older mail is "stale", so the customer
 * is told to look for the newest mail. Success hands out a ticket for the rest of the flow.
 */
export async function checkCode(
  db: Database,
  attempt: { email: string; purpose: CodePurpose; code: string; now: Date }
): Promise<CodeCheck> {
  const { email, purpose, code, now } = attempt;
  // Used codes too: once the newest has done its work, an older one must not take its place.
  const recent = await db
    .select()
    .from(emailCodes)
    .where(and(inUtility(db, emailCodes), eq(emailCodes.email, email), eq(emailCodes.purpose, purpose), gt(emailCodes.createdAt, new Date(now.getTime() - 24 * 60 * MINUTE_MS))))
    .orderBy(desc(emailCodes.createdAt), desc(emailCodes.id))
    .limit(CODES_PER_HOUR * 2);
  const [newest, ...older] = recent;
  if (!newest) return { ok: false, problem: 'wrong' };
  if (newest.usedAt !== null) return { ok: false, problem: 'expired' };
  // The try is counted before the code is compared, in one statement: of guesses sent at the
  // same moment, only the first five are ever compared.
  const [counted] = await db
    .update(emailCodes)
    .set({ failedAttempts: sql`${emailCodes.failedAttempts} + 1` })
    .where(and(inUtility(db, emailCodes), eq(emailCodes.id, newest.id), lt(emailCodes.failedAttempts, MAX_CODE_TRIES)))
    .returning({ failedAttempts: emailCodes.failedAttempts });
  if (!counted) return { ok: false, problem: 'used-up' };
  const hash = await codeHash(db, email, purpose, code);
  if (!sameHash(newest.codeHash, hash)) {
    if (counted.failedAttempts >= MAX_CODE_TRIES) return { ok: false, problem: 'used-up' };
    return { ok: false, problem: older.some((row) => sameHash(row.codeHash, hash)) ? 'stale' : 'wrong' };
  }
  if (newest.expiresAt <= now) return { ok: false, problem: 'expired' };
  const ticket = randomBytes(32).toString('base64url');
  await db
    .update(emailCodes)
    .set({
      // The right code was no failure: give its try back.
      failedAttempts: sql`${emailCodes.failedAttempts} - 1`,
      verifiedAt: now,
      ticketHash: ticketHash(ticket),
      expiresAt: new Date(now.getTime() + TICKET_VALID_MINUTES * MINUTE_MS)
    })
    .where(and(inUtility(db, emailCodes), eq(emailCodes.id, newest.id)));
  return { ok: true, ticket };
}

/** The proven code row a ticket stands for, while it is unused and unexpired. */
export async function ticketRow(db: Database, ticket: string, purpose: CodePurpose, now: Date) {
  const [row] = await db
    .select()
    .from(emailCodes)
    .where(
      and(
        inUtility(db, emailCodes),
        eq(emailCodes.ticketHash, ticketHash(ticket)),
        eq(emailCodes.purpose, purpose),
        isNull(emailCodes.usedAt),
        gt(emailCodes.expiresAt, now)
      )
    );
  return row ?? null;
}

export async function markTicketUsed(db: Database, id: number, now: Date): Promise<void> {
  await db.update(emailCodes).set({ usedAt: now }).where(and(inUtility(db, emailCodes), eq(emailCodes.id, id)));
}

/**
 * Uses a ticket up in one statement: of filings sent together with one ticket, exactly one gets
 * its row back. Null when the ticket is unknown, used, or expired.
 */
export async function useTicket(db: Database, ticket: string, purpose: CodePurpose, now: Date) {
  const [row] = await db
    .update(emailCodes)
    .set({ usedAt: now })
    .where(and(inUtility(db, emailCodes), eq(emailCodes.ticketHash, ticketHash(ticket)), eq(emailCodes.purpose, purpose), isNull(emailCodes.usedAt), gt(emailCodes.expiresAt, now)))
    .returning({ id: emailCodes.id, email: emailCodes.email });
  return row ?? null;
}

/** The address a ticket proved, used or not: a resend after a lost answer shows its ticket again. */
export async function ticketEmail(db: Database, ticket: string, purpose: CodePurpose): Promise<string | null> {
  const [row] = await db
    .select({ email: emailCodes.email })
    .from(emailCodes)
    .where(and(inUtility(db, emailCodes), eq(emailCodes.ticketHash, ticketHash(ticket)), eq(emailCodes.purpose, purpose)));
  return row?.email ?? null;
}
