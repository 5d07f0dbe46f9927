import { and, eq, sql } from 'drizzle-orm';
import { isUniqueViolation } from '../../db/errors.js';
import { CURRENT_TRANSACTION_VERSION, customers } from '../../db/schema.js';
import { accountWithdrawnMail, emailChangeCodeMail, emailChangedMail, signupAddressTakenMail } from '../../mail/messages.js';
import { claimMailSlot, CODE_VALID_MINUTES, issueCode, markTicketUsed } from '../auth/codes.js';
import { RefusalError } from '../../errors.js';
import { hashPassword } from '../auth/passwords.js';
import {
  codeProblems,
  normalizeEmail,
  passwordAttempt,
  provenTicket,
  requireNickname,
  requirePasswordAllowed,
  sendLater,
  verifiedTicket,
  waitError
} from '../auth/service.js';
import type { ServiceDeps } from '../../service-deps.js';
import { rotateSessions } from '../../sessions/sessions.js';
import { linkIdsOf } from '../faucets/links.js';
import { removeFaucet } from '../faucets/service.js';
import { inUtility } from '../../db/in-utility.js';

async function customerById(deps: ServiceDeps, customerId: number) {
  const [customer] = await deps.db.select().from(customers).where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
  if (!customer) throw new RefusalError('unauthorized', { ja: 'ログインしてください', en: 'Please log in' });
  return customer;
}

const wrongCurrentPassword = new RefusalError(
  'bad-input',
  { ja: '現在のパスワードが違います', en: 'The current password is not right' },
  'currentPassword'
);

export async function accountOf(deps: ServiceDeps, customerId: number): Promise<{ email: string; nickname: string }> {
  const { email, nickname } = await customerById(deps, customerId);
  return { email, nickname };
}

export async function changeNickname(deps: ServiceDeps, customerId: number, nickname: string): Promise<void> {
  await deps.db.update(customers).set({ nickname: requireNickname(nickname), version: sql.raw(CURRENT_TRANSACTION_VERSION) }).where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
}

/** Needs the current password; every other session ends and this one is replaced (rotation), its push subscription kept. */
export async function changePassword(
  deps: ServiceDeps,
  caller: { customerId: number; sessionToken: string },
  input: { currentPassword: string; newPassword: string }
): Promise<{ sessionToken: string }> {
  const { customerId } = caller;
  const customer = await customerById(deps, customerId);
  const { email, passwordHash } = customer;
  if (!(await passwordAttempt(deps, { email, passwordHash, password: input.currentPassword, field: 'currentPassword' }))) {
    throw wrongCurrentPassword;
  }
  requirePasswordAllowed(input.newPassword, 'newPassword');
  await deps.db.update(customers).set({ passwordHash: await hashPassword(input.newPassword) }).where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
  return { sessionToken: await rotateSessions(deps.db, customerId, caller.sessionToken, deps.now) };
}

/**
 * A code goes to the new address; whether that address already has an account is not told
 * (its owner gets the usual "already registered" mail instead of a code). A code is made
 * either way, so the answer, its time and the tries that follow are the same for both.
 */
export async function requestEmailChange(deps: ServiceDeps, customerId: number, rawEmail: string): Promise<{ resendAfterSeconds: number }> {
  const email = normalizeEmail(rawEmail);
  const wait = await claimMailSlot(deps.db, { email, purpose: 'email-change', clientKey: deps.clientKey }, deps.now);
  if (wait !== null) throw waitError(wait);
  const code = await issueCode(deps.db, { email, purpose: 'email-change', customerId, now: deps.now });
  const context = { profile: deps.config.profile, origin: deps.config.origin };
  if (await addressTaken(deps, email)) {
    sendLater(deps, signupAddressTakenMail(context, { to: email }));
  } else {
    sendLater(deps, emailChangeCodeMail(context, { to: email, code, validMinutes: CODE_VALID_MINUTES }));
  }
  return { resendAfterSeconds: 60 };
}

async function addressTaken(deps: ServiceDeps, email: string): Promise<boolean> {
  const [taken] = await deps.db.select({ id: customers.id }).from(customers).where(and(inUtility(deps.db, customers), eq(customers.email, email)));
  return taken !== undefined;
}

/** The code from the new address switches the account to it; the old address is told. */
export async function confirmEmailChange(deps: ServiceDeps, customerId: number, input: { email: string; code: string }): Promise<void> {
  const email = normalizeEmail(input.email);
  const ticket = await verifiedTicket(deps, email, 'email-change', input.code);
  const row = await provenTicket(deps, ticket, 'email-change');
  // A taken address was never mailed its code: one guessed right still changes nothing.
  if (row.customerId !== customerId || (await addressTaken(deps, email))) throw new RefusalError('bad-input', codeProblems.wrong, 'code');
  const previous = await customerById(deps, customerId);
  try {
    await deps.db.update(customers).set({ email, version: sql.raw(CURRENT_TRANSACTION_VERSION) }).where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
  } catch (error) {
    // Someone signed up with the address since the check above.
    if (isUniqueViolation(error)) throw new RefusalError('bad-input', codeProblems.wrong, 'code');
    throw error;
  }
  await markTicketUsed(deps.db, row.id, deps.now);
  sendLater(deps, emailChangedMail({ profile: deps.config.profile, origin: deps.config.origin }, { to: previous.email }));
}

/**
 * 退会: with the password, the account and everything personal goes (sessions and codes by
 * cascade); each faucet is unlinked and gets its paper slip again. The contract stays.
 */
export async function withdraw(deps: ServiceDeps, customerId: number, password: string): Promise<void> {
  const customer = await customerById(deps, customerId);
  const { email, passwordHash } = customer;
  if (!(await passwordAttempt(deps, { email, passwordHash, password, field: 'password' }))) {
    throw new RefusalError('bad-input', { ja: 'パスワードが違います', en: 'The password is not right' }, 'password');
  }
  await deps.db.transaction((tx) => deleteAccount({ ...deps, db: tx }, customerId));
  tellWithdrawn(deps, customer.email);
}

/**
 * Deletes an account and everything personal (sessions and codes by cascade); each faucet is
 * unlinked and gets its paper slip again. Run it in the caller's transaction, after the caller
 * has made sure who may: the customer with their password, or staff with a reason.
 */
export async function deleteAccount(deps: ServiceDeps, customerId: number): Promise<void> {
  for (const linkId of await linkIdsOf(deps.db, customerId)) await removeFaucet(deps, customerId, linkId);
  await deps.db.delete(customers).where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
}

/** The withdrawn account's address is told, after the answer. */
export function tellWithdrawn(deps: ServiceDeps, email: string): void {
  sendLater(deps, accountWithdrawnMail({ profile: deps.config.profile, origin: deps.config.origin }, { to: email }));
}
