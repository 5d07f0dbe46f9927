import { and, eq, sql } from 'drizzle-orm';
import { emailProblem, parseEmail } from '../../../src/lib/shared/email.js';
import type { Localized } from '../../../src/lib/shared/localized.js';
import { nickname as storedNickname, nicknameProblem } from '../../../src/lib/shared/nickname.js';
import { selectRows, type Database } from '../../db/client.js';
import { inUtility, utilityOf } from '../../db/in-utility.js';
import { customers, emailCodes, staff } from '../../db/schema.js';
import { passwordProblem } from './password-policy.js';
import {
  passwordResetCodeMail,
  signupAddressTakenMail,
  signupCodeMail,
  type MailContext,
  type MailMessage
} from '../../mail/messages.js';
import { linkFaucet, proveFaucet } from '../faucets/service.js';
import { checkCode, claimMailSlot, CODE_VALID_MINUTES, issueCode, markTicketUsed, ticketRow, type CodePurpose } from './codes.js';
import { RefusalError } from '../../errors.js';
import { hashPassword, passwordMatches, rehashedIfOutdated } from './passwords.js';
import { forgiveAttempt, LOCKED_COUNT, takeAttempt } from '../../limits/rate-limits.js';
import type { ServiceDeps } from '../../service-deps.js';
import { createSession, endOtherSessions } from '../../sessions/sessions.js';

/** The address as the portal keeps it (src/lib/shared/email.ts, the grammar the app checks too), refused next to the field otherwise. */
export function normalizeEmail(raw: string): string {
  const email = parseEmail(raw);
  if (email === null) throw new RefusalError('bad-input', emailProblem, 'email');
  return email;
}

const mailContext = (deps: ServiceDeps): MailContext => ({ profile: deps.config.profile, origin: deps.config.origin });

/**
 * Sent after the answer: how long a mail server takes must not show in the response time,
 * or the time would tell which addresses have an account. A lost code is resent by the customer.
 */
export function sendLater(deps: ServiceDeps, message: MailMessage): void {
  void deps.mailer.send(message).catch((error: unknown) => deps.logger.error({ err: error, mailKind: message.kind }, 'mail not sent'));
}

async function customerByEmail(db: Database, email: string) {
  const [customer] = await db.select().from(customers).where(and(inUtility(db, customers), eq(customers.email, email)));
  return customer;
}

export function waitError(retryAfterSeconds: number): RefusalError {
  return new RefusalError(
    'too-many',
    retryAfterSeconds <= 60
      ? { ja: `確認コードの再送は${retryAfterSeconds}秒ほど待ってからお試しください`, en: `Please wait about ${retryAfterSeconds} seconds before asking for another code` }
      : { ja: '確認コードを短い時間に何度も送りました。1時間ほど待ってからお試しください', en: 'Too many codes in a short time; please try again in an hour' },
    'email',
    retryAfterSeconds
  );
}

export const codeProblems: Record<'wrong' | 'stale' | 'expired' | 'used-up', Localized> = {
  wrong: { ja: '確認コードが違います。メールに書かれた6桁の数字を入力してください', en: 'That code is not right; enter the 6 digits from the mail' },
  stale: {
    ja: 'このコードは古いメールのものです。いちばん新しいメールのコードを入力してください',
    en: 'That code is from an older mail; enter the code from the newest mail'
  },
  expired: { ja: '確認コードの有効期限（15分）が切れました。コードを再送してください', en: 'The code has expired (15 minutes); ask for a new one' },
  'used-up': {
    ja: '確認コードを5回まちがえたため、このコードは使えなくなりました。コードを再送してください',
    en: 'The code was entered wrongly 5 times and no longer works; ask for a new one'
  }
};

export async function verifiedTicket(deps: ServiceDeps, email: string, purpose: CodePurpose, code: string): Promise<string> {
  const result = await checkCode(deps.db, { email, purpose, code: code.normalize('NFKC').replace(/\s/g, ''), now: deps.now });
  if (!result.ok) throw new RefusalError('bad-input', codeProblems[result.problem], 'code');
  return result.ticket;
}

export async function provenTicket(deps: ServiceDeps, ticket: string, purpose: CodePurpose) {
  const row = await ticketRow(deps.db, ticket, purpose, deps.now);
  if (!row) {
    throw new RefusalError('bad-input', {
      ja: '手続きの有効時間が過ぎました。最初からやり直してください',
      en: 'This step has timed out; please start again'
    });
  }
  return row;
}

export function requirePasswordAllowed(password: string, field = 'password'): void {
  const problem = passwordProblem(password);
  if (problem) throw new RefusalError('bad-input', problem, field);
}

/** The nickname as stored (src/lib/shared/nickname.ts), refused next to its field otherwise: at sign-up and in the settings alike. */
export function requireNickname(text: string): string {
  const nickname = storedNickname(text);
  if (nickname === undefined) throw new RefusalError('bad-input', nicknameProblem, 'nickname');
  return nickname;
}

/**
 * Step 1 of sign-up. The answer is the same whether or not the address has an account: an
 * address that has one gets a mail telling its owner to log in or reset the password.
 */
export async function requestSignupCode(deps: ServiceDeps, rawEmail: string): Promise<{ resendAfterSeconds: number }> {
  const email = normalizeEmail(rawEmail);
  const wait = await claimMailSlot(deps.db, { email, purpose: 'signup', clientKey: deps.clientKey }, deps.now);
  if (wait !== null) throw waitError(wait);
  // A code is made either way, so both answers cost the same work; only a new address gets it.
  const code = await issueCode(deps.db, { email, purpose: 'signup', now: deps.now });
  if (await customerByEmail(deps.db, email)) {
    sendLater(deps, signupAddressTakenMail(mailContext(deps), { to: email }));
  } else {
    sendLater(deps, signupCodeMail(mailContext(deps), { to: email, code, validMinutes: CODE_VALID_MINUTES }));
  }
  return { resendAfterSeconds: 60 };
}

/** Step 2: the code from the mail proves the address; the ticket carries that proof on. */
export async function verifySignupCode(deps: ServiceDeps, rawEmail: string, code: string): Promise<{ ticket: string }> {
  return { ticket: await verifiedTicket(deps, normalizeEmail(rawEmail), 'signup', code) };
}

/** Step 3: faucet number and registered phone prove the faucet; it is linked in step 4. */
export async function proveSignupFaucet(
  deps: ServiceDeps,
  input: { ticket: string; faucetNo: string; phone: string; consent: boolean }
): Promise<{ faucetNo: string }> {
  const row = await provenTicket(deps, input.ticket, 'signup');
  const proof = await proveFaucet(deps, { faucetNo: input.faucetNo, phone: input.phone, consent: input.consent });
  await deps.db.update(emailCodes).set({ provenContractId: proof.contractId }).where(and(inUtility(deps.db, emailCodes), eq(emailCodes.id, row.id)));
  return { faucetNo: proof.faucetNo };
}

/** Step 4: nickname and password; the account is created, the faucet linked, the customer signed in. */
export async function completeSignup(
  deps: ServiceDeps,
  input: { ticket: string; nickname: string; password: string }
): Promise<{ sessionToken: string }> {
  const row = await provenTicket(deps, input.ticket, 'signup');
  if (row.provenContractId === null) {
    throw new RefusalError('bad-input', { ja: '先に水栓番号と電話番号を確認してください', en: 'Prove a faucet first' }, 'faucetNo');
  }
  const nickname = requireNickname(input.nickname);
  requirePasswordAllowed(input.password);
  const passwordHash = await hashPassword(input.password);
  const contractId = row.provenContractId;
  // Read committed, as linkFaucet needs: after waiting for the contract's lock it must see the link made meanwhile.
  const customerId = await deps.db.transaction(async (tx) => {
    const [created] = await tx
      .insert(customers)
      .values({ email: row.email, nickname, passwordHash, createdAt: deps.now })
      .onConflictDoNothing()
      .returning({ id: customers.id });
    if (!created) {
      throw new RefusalError('conflict', {
        ja: 'このメールアドレスはすでに登録されています。ログインしてください',
        en: 'This address already has an account; please log in'
      }, 'email');
    }
    await linkFaucet({ ...deps, db: tx }, { customerId: created.id, contractId });
    await markTicketUsed(tx, row.id, deps.now);
    return created.id;
  }, LOCKED_COUNT);
  return { sessionToken: await createSession(deps.db, customerId, deps.now) };
}

export const loginRefused = new RefusalError(
  'unauthorized',
  { ja: 'メールアドレスまたはパスワードが違います', en: 'The e-mail address or password is not right' },
  'password'
);

/** Wrong passwords per address and per client an hour before log-in is paused. */
const LOGIN_FAILURES_PER_ADDRESS = 10;
const LOGIN_FAILURES_PER_CLIENT = 50;
const HOUR_MS = 3600_000;

/**
 * Checks a password under the log-in limits: log-in itself, and the current password that a
 * password change and 退会 ask for. The attempt is recorded before the (slow) check and
 * forgiven when the password is right, so guesses sent at the same moment all count.
 */
export async function passwordAttempt(
  deps: ServiceDeps,
  input: { email: string; passwordHash: string | undefined; password: string; field: string; scope?: 'login' | 'staff-login' }
): Promise<boolean> {
  // Staff count apart: a staff address that is also a member's must not share its failures.
  const scope = input.scope ?? 'login';
  const attempt = await takeAttempt(
    deps.db,
    [
      { bucket: `${scope}:${input.email}`, max: LOGIN_FAILURES_PER_ADDRESS, windowMs: HOUR_MS },
      { bucket: `${scope}-client:${deps.clientKey}`, max: LOGIN_FAILURES_PER_CLIENT, windowMs: HOUR_MS }
    ],
    deps.now
  );
  if (!attempt.ok) {
    throw new RefusalError(
      'too-many',
      { ja: 'パスワードの失敗が続いたため、1時間ほどお待ちください。パスワードを忘れた場合は再設定してください', en: 'Too many wrong passwords; please wait an hour or reset your password' },
      input.field,
      HOUR_MS / 1000
    );
  }
  if (!(await passwordMatches(input.passwordHash, input.password))) return false;
  await forgiveAttempt(deps.db, attempt);
  return true;
}

/**
 * In a log-in's transaction, before its session is written: stores the password's new hash, if
 * it was made again, only over the hash the log-in checked (a password changed meanwhile is not
 * put back), then locks the account's row if its password is still that one. A password change,
 * a reset or 退会 at the same moment then either waits for the log-in's session and ends it with
 * the others, or has already happened, and the log-in is refused instead of outliving it.
 */
export async function holdCheckedPassword(
  tx: Database,
  table: typeof customers | typeof staff,
  account: { id: number; passwordHash: string },
  rehashed: string | null
): Promise<boolean> {
  const held = sql`utility_id = ${utilityOf(tx)} and id = ${account.id}`;
  if (rehashed) await tx.execute(sql`update ${table} set password_hash = ${rehashed} where ${held} and password_hash = ${account.passwordHash}`);
  const rows = await selectRows(tx, sql`select 1 from ${table} where ${held} and password_hash = ${rehashed ?? account.passwordHash} for share`);
  return rows.length > 0;
}

export async function logIn(
  deps: ServiceDeps,
  input: { email: string; password: string }
): Promise<{ sessionToken: string }> {
  const email = normalizeEmail(input.email);
  const customer = await customerByEmail(deps.db, email);
  const matches = await passwordAttempt(deps, { email, passwordHash: customer?.passwordHash, password: input.password, field: 'password' });
  if (!matches || !customer) throw loginRefused;
  const rehashed = await rehashedIfOutdated(customer.passwordHash, input.password);
  const sessionToken = await deps.db.transaction(async (tx) => {
    if (!(await holdCheckedPassword(tx, customers, customer, rehashed))) throw loginRefused;
    return createSession(tx, customer.id, deps.now);
  });
  return { sessionToken };
}

/** Reset step 1: a code goes only to an address with an account; the answer is the same either way. */
export async function requestPasswordReset(deps: ServiceDeps, rawEmail: string): Promise<{ resendAfterSeconds: number }> {
  const email = normalizeEmail(rawEmail);
  const wait = await claimMailSlot(deps.db, { email, purpose: 'reset', clientKey: deps.clientKey }, deps.now);
  if (wait !== null) throw waitError(wait);
  const customer = await customerByEmail(deps.db, email);
  // A code is made either way, so both answers cost the same work; one without an account
  // is never mailed and can never reset anything.
  const code = await issueCode(deps.db, { email, purpose: 'reset', customerId: customer?.id, now: deps.now });
  if (customer) sendLater(deps, passwordResetCodeMail(mailContext(deps), { to: email, code, validMinutes: CODE_VALID_MINUTES }));
  return { resendAfterSeconds: 60 };
}

/** Reset step 2: the code and a new password; every other session ends, this device is signed in. */
export async function resetPassword(
  deps: ServiceDeps,
  input: { email: string; code: string; password: string }
): Promise<{ sessionToken: string }> {
  requirePasswordAllowed(input.password);
  const email = normalizeEmail(input.email);
  const ticket = await verifiedTicket(deps, email, 'reset', input.code);
  const row = await provenTicket(deps, ticket, 'reset');
  const customer = await customerByEmail(deps.db, email);
  if (!customer || row.customerId !== customer.id) throw new RefusalError('bad-input', codeProblems.wrong, 'code');
  await deps.db.update(customers).set({ passwordHash: await hashPassword(input.password) }).where(and(inUtility(deps.db, customers), eq(customers.id, customer.id)));
  await markTicketUsed(deps.db, row.id, deps.now);
  await endOtherSessions(deps.db, customer.id, null);
  return { sessionToken: await createSession(deps.db, customer.id, deps.now) };
}
