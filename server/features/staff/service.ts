import { randomInt } from 'node:crypto';
import { and, asc, eq, isNull, or } from 'drizzle-orm';
import { staff, staffSessions } from '../../db/schema.js';
import { staffRoles } from '../../domain/staff-roles.js';
import { RefusalError } from '../../errors.js';
import type { JobDeps, ServiceDeps } from '../../service-deps.js';
import { createStaffSession, endOtherStaffSessions, type StaffMember } from '../../sessions/staff-sessions.js';
import { audit, notSignedIn, type Actor } from '../audit/service.js';
import { hashPassword, rehashedIfOutdated } from '../auth/passwords.js';
import { loginRefused, normalizeEmail, holdCheckedPassword, passwordAttempt, requirePasswordAllowed } from '../auth/service.js';
import { inUtility } from '../../db/in-utility.js';

export type StaffRole = (typeof staffRoles)[number];

/** Letters and digits that cannot be misread on a screen or a note (no 0/O, 1/l/I). */
const READABLE = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ONE_TIME_PASSWORD_LENGTH = 16;
/** A one-time password left unused this long stops working: a note on a desk is not a key for ever. */
export const ONE_TIME_PASSWORD_HOURS = 72;
const HOUR_MS = 3600_000;
const oneTimePasswordExpiry = (now: Date) => new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * HOUR_MS);

function oneTimePassword(): string {
  return Array.from({ length: ONE_TIME_PASSWORD_LENGTH }, () => READABLE[randomInt(READABLE.length)]).join('');
}

export function isStaffRole(role: string): role is StaffRole {
  return (staffRoles as readonly string[]).includes(role);
}

/**
 * A staff account with a one-time password, to be changed at first log-in; shown once to
 * whoever created it, stored only as its hash. The creation is audited in its own transaction.
 */
export async function createStaff(
  deps: JobDeps,
  actor: Actor,
  input: { email: string; role: StaffRole; reason?: string | null }
): Promise<{ staffId: number; email: string; password: string }> {
  const email = normalizeEmail(input.email);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  const staffId = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(staff)
      .values({ email, role: input.role, passwordHash, mustChangePassword: true, passwordExpiresAt: oneTimePasswordExpiry(deps.now), createdAt: deps.now })
      .onConflictDoNothing()
      .returning({ id: staff.id });
    if (!created) {
      throw new RefusalError('conflict', { ja: 'このメールアドレスの職員はすでにいます', en: 'A staff member with this address exists' }, 'email');
    }
    await audit(tx, actor, { action: 'staff.create', targetKind: 'staff', targetId: created.id, reason: input.reason?.trim() || null, details: { email, role: input.role } }, deps.now);
    return created.id;
  });
  return { staffId, email, password };
}

const accountDisabled = new RefusalError('forbidden', {
  ja: 'このアカウントは停止されています。管理者に連絡してください',
  en: 'This account is disabled; ask an admin'
});

const oneTimePasswordExpired = new RefusalError('forbidden', {
  ja: `仮のパスワードの有効期限（${ONE_TIME_PASSWORD_HOURS}時間）が切れました。管理者に連絡してください`,
  en: `The one-time password has expired (${ONE_TIME_PASSWORD_HOURS} hours); ask an admin`
});

/** Why an account whose password was right still may not log in, or null. */
function heldBack(member: { disabledAt: Date | null; mustChangePassword: boolean; passwordExpiresAt: Date | null }, now: Date) {
  if (member.disabledAt !== null) return { refusal: accountDisabled, why: 'disabled' };
  if (member.mustChangePassword && member.passwordExpiresAt !== null && member.passwordExpiresAt <= now) return { refusal: oneTimePasswordExpired, why: 'one-time password expired' };
  return null;
}

/**
 * Staff log-in: the same answer for an unknown address and a wrong password (with the same
 * work and time spent, passwordMatches), counted under limits of their own, and one audit entry
 * for either. A disabled account or an expired one-time password is told only to whoever got
 * the password right: to anyone else it is one more wrong password.
 */
export async function staffLogIn(
  deps: ServiceDeps,
  input: { email: string; password: string }
): Promise<{ sessionToken: string; mustChangePassword: boolean }> {
  const email = normalizeEmail(input.email);
  const [member] = await deps.db.select().from(staff).where(and(inUtility(deps.db, staff), eq(staff.email, email)));
  const matches = await passwordAttempt(deps, { email, passwordHash: member?.passwordHash, password: input.password, field: 'password', scope: 'staff-login' });
  if (!matches || !member) {
    await audit(deps.db, notSignedIn, { action: 'staff.login-failed', targetKind: 'staff', targetId: member?.id, details: { client: deps.clientKey } }, deps.now);
    throw loginRefused;
  }
  const rehashed = await rehashedIfOutdated(member.passwordHash, input.password);
  type Outcome = { sessionToken: string } | { refused: NonNullable<ReturnType<typeof heldBack>> };
  const outcome = await deps.db.transaction(async (tx): Promise<Outcome> => {
    if (!(await holdCheckedPassword(tx, staff, member, rehashed))) throw loginRefused;
    // Read under the row's lock: a disable at the same moment has either happened or waits for this session and ends it.
    const [held] = await tx.select().from(staff).where(and(inUtility(tx, staff), eq(staff.id, member.id)));
    const refused = heldBack(held!, deps.now);
    if (refused) return { refused };
    await audit(tx, { staffId: member.id, email: member.email }, { action: 'staff.login', targetKind: 'staff', targetId: member.id }, deps.now);
    return { sessionToken: await createStaffSession(tx, member.id, deps.now) };
  });
  if ('refused' in outcome) {
    await audit(deps.db, notSignedIn, { action: 'staff.login-refused', targetKind: 'staff', targetId: member.id, details: { why: outcome.refused.why, client: deps.clientKey } }, deps.now);
    throw outcome.refused.refusal;
  }
  return { sessionToken: outcome.sessionToken, mustChangePassword: member.mustChangePassword };
}

/**
 * Needs the current password (the one-time one at first log-in) and a new one that differs;
 * every other session of the member ends and this one is replaced.
 */
export async function changeStaffPassword(
  deps: ServiceDeps,
  member: StaffMember,
  input: { currentPassword: string; newPassword: string }
): Promise<{ sessionToken: string }> {
  const [row] = await deps.db.select({ passwordHash: staff.passwordHash }).from(staff).where(and(inUtility(deps.db, staff), eq(staff.id, member.staffId)));
  const matches = await passwordAttempt(deps, {
    email: member.email,
    passwordHash: row?.passwordHash,
    password: input.currentPassword,
    field: 'currentPassword',
    scope: 'staff-login'
  });
  if (!matches) throw new RefusalError('bad-input', { ja: '現在のパスワードが違います', en: 'The current password is not right' }, 'currentPassword');
  requirePasswordAllowed(input.newPassword, 'newPassword');
  if (input.newPassword === input.currentPassword) {
    throw new RefusalError('bad-input', { ja: '今と違うパスワードにしてください', en: 'Choose a password different from the current one' }, 'newPassword');
  }
  const passwordHash = await hashPassword(input.newPassword);
  return deps.db.transaction(async (tx) => {
    await tx.update(staff).set({ passwordHash, mustChangePassword: false, passwordExpiresAt: null }).where(and(inUtility(tx, staff), eq(staff.id, member.staffId)));
    await audit(tx, { staffId: member.staffId, email: member.email }, { action: 'staff.password-change', targetKind: 'staff', targetId: member.staffId }, deps.now);
    const sessionToken = await createStaffSession(tx, member.staffId, deps.now);
    await endOtherStaffSessions(tx, member.staffId, sessionToken);
    return { sessionToken };
  });
}

/** Every staff account, for an admin. */
export function listStaff(deps: Pick<JobDeps, 'db'>) {
  return deps.db
    .select({ staffId: staff.id, email: staff.email, role: staff.role, mustChangePassword: staff.mustChangePassword, passwordExpiresAt: staff.passwordExpiresAt, disabledAt: staff.disabledAt, createdAt: staff.createdAt })
    .from(staff)
    .where(inUtility(deps.db, staff))
    .orderBy(asc(staff.email));
}

const noSuchStaff = new RefusalError('not-found', { ja: 'そのメールアドレスの職員はいません', en: 'No staff member has this address' }, 'email');

/**
 * Disables a staff account: it can no longer log in, and its sessions end in the same
 * transaction. One statement locks the account and every active admin, in id order, so the
 * last active admin is checked and disabled in one step: of two admins disabling each other at
 * once, the second waits, then finds its own account disabled (refused) — never both.
 */
export async function disableStaff(deps: JobDeps, actor: Actor, input: { email: string; reason: string | null }): Promise<{ staffId: number; email: string; sessionsEnded: number }> {
  const email = normalizeEmail(input.email);
  return deps.db.transaction(async (tx) => {
    const locked = await tx
      .select({ id: staff.id, email: staff.email, role: staff.role, disabledAt: staff.disabledAt })
      .from(staff)
      .where(and(inUtility(tx, staff), or(eq(staff.email, email), and(eq(staff.role, 'admin'), isNull(staff.disabledAt)))))
      .orderBy(asc(staff.id))
      .for('update');
    const activeAdmins = locked.filter((row) => row.role === 'admin' && row.disabledAt === null);
    if (actor.staffId !== null && !activeAdmins.some((row) => row.id === actor.staffId)) {
      throw new RefusalError('forbidden', { ja: 'この操作は管理者だけができます', en: 'Only an admin may do this' });
    }
    const target = locked.find((row) => row.email === email);
    if (!target) throw noSuchStaff;
    if (target.disabledAt !== null) throw new RefusalError('conflict', { ja: 'この職員はすでに停止されています', en: 'This staff account is already disabled' }, 'email');
    if (target.role === 'admin' && activeAdmins.length === 1) {
      throw new RefusalError('conflict', {
        ja: '最後の管理者は停止できません。先に別の管理者を作成してください',
        en: 'The last active admin cannot be disabled; make another admin first'
      }, 'email');
    }
    await tx.update(staff).set({ disabledAt: deps.now }).where(and(inUtility(tx, staff), eq(staff.id, target.id)));
    const ended = await tx.delete(staffSessions).where(and(inUtility(tx, staffSessions), eq(staffSessions.staffId, target.id))).returning({ staffId: staffSessions.staffId });
    await audit(tx, actor, { action: 'staff.disable', targetKind: 'staff', targetId: target.id, reason: input.reason, details: { email, sessionsEnded: ended.length } }, deps.now);
    return { staffId: target.id, email, sessionsEnded: ended.length };
  });
}

/** Lets a disabled staff account log in again, with the password it had. */
export async function enableStaff(deps: JobDeps, actor: Actor, input: { email: string; reason: string | null }): Promise<{ staffId: number; email: string }> {
  const email = normalizeEmail(input.email);
  return deps.db.transaction(async (tx) => {
    const [target] = await tx.select({ id: staff.id, disabledAt: staff.disabledAt }).from(staff).where(and(inUtility(tx, staff), eq(staff.email, email))).for('update');
    if (!target) throw noSuchStaff;
    if (target.disabledAt === null) throw new RefusalError('conflict', { ja: 'この職員は停止されていません', en: 'This staff account is not disabled' }, 'email');
    await tx.update(staff).set({ disabledAt: null }).where(and(inUtility(tx, staff), eq(staff.id, target.id)));
    await audit(tx, actor, { action: 'staff.enable', targetKind: 'staff', targetId: target.id, reason: input.reason, details: { email } }, deps.now);
    return { staffId: target.id, email };
  });
}

/**
 * A new one-time password for a staff account (forgotten, or the first one expired), shown once
 * to the admin: valid 72 hours like a new account's, and every session of the account ends.
 */
export async function issueOneTimePassword(
  deps: JobDeps,
  actor: Actor,
  input: { email: string; reason: string | null }
): Promise<{ staffId: number; email: string; password: string }> {
  const email = normalizeEmail(input.email);
  const password = oneTimePassword();
  const passwordHash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    const [target] = await tx
      .update(staff)
      .set({ passwordHash, mustChangePassword: true, passwordExpiresAt: oneTimePasswordExpiry(deps.now) })
      .where(and(inUtility(tx, staff), eq(staff.email, email)))
      .returning({ id: staff.id });
    if (!target) throw noSuchStaff;
    await tx.delete(staffSessions).where(and(inUtility(tx, staffSessions), eq(staffSessions.staffId, target.id)));
    await audit(tx, actor, { action: 'staff.password-reset', targetKind: 'staff', targetId: target.id, reason: input.reason, details: { email } }, deps.now);
    return { staffId: target.id, email, password };
  });
}
