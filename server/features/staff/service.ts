import { randomInt } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { staff, staffRoles } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';
import type { JobDeps, ServiceDeps } from '../../service-deps.js';
import { createStaffSession, endOtherStaffSessions, type StaffMember } from '../../staff-sessions.js';
import { audit, type Actor } from '../audit/service.js';
import { hashPassword, rehashedIfOutdated } from '../auth/passwords.js';
import { loginRefused, normalizeEmail, holdCheckedPassword, passwordAttempt, requirePasswordAllowed } from '../auth/service.js';

export type StaffRole = (typeof staffRoles)[number];

/** Letters and digits that cannot be misread on a screen or a note (no 0/O, 1/l/I). */
const READABLE = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const ONE_TIME_PASSWORD_LENGTH = 16;

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
      .values({ email, role: input.role, passwordHash, mustChangePassword: true, createdAt: deps.now })
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

/**
 * Staff log-in: the same answer for an unknown address and a wrong password (with the same
 * time spent, passwordMatches' decoy), counted under limits of their own.
 */
export async function staffLogIn(
  deps: ServiceDeps,
  input: { email: string; password: string }
): Promise<{ sessionToken: string; mustChangePassword: boolean }> {
  const email = normalizeEmail(input.email);
  const [member] = await deps.db.select().from(staff).where(eq(staff.email, email));
  const matches = await passwordAttempt(deps, { email, passwordHash: member?.passwordHash, password: input.password, field: 'password', scope: 'staff-login' });
  if (!matches || !member) throw loginRefused;
  const rehashed = await rehashedIfOutdated(member.passwordHash, input.password);
  const sessionToken = await deps.db.transaction(async (tx) => {
    if (!(await holdCheckedPassword(tx, staff, member, rehashed))) throw loginRefused;
    await audit(tx, { staffId: member.id, email: member.email }, { action: 'staff.login', targetKind: 'staff', targetId: member.id }, deps.now);
    return createStaffSession(tx, member.id, deps.now);
  });
  return { sessionToken, mustChangePassword: member.mustChangePassword };
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
  const [row] = await deps.db.select({ passwordHash: staff.passwordHash }).from(staff).where(eq(staff.id, member.staffId));
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
    await tx.update(staff).set({ passwordHash, mustChangePassword: false }).where(eq(staff.id, member.staffId));
    await audit(tx, { staffId: member.staffId, email: member.email }, { action: 'staff.password-change', targetKind: 'staff', targetId: member.staffId }, deps.now);
    const sessionToken = await createStaffSession(tx, member.staffId, deps.now);
    await endOtherStaffSessions(tx, member.staffId, sessionToken);
    return { sessionToken };
  });
}
