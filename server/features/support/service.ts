import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { union } from 'drizzle-orm/pg-core';
import { searchKey } from '../../../src/lib/shared/kana.js';
import { normalizeCodeNumber } from '../../../src/lib/shared/normalize.js';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { customers, proofAttempts } from '../../db/schema.js';
import { containing } from '../../domain/like-pattern.js';
import { RefusalError } from '../../errors.js';
import type { ServiceDeps } from '../../service-deps.js';
import { deleteAccount, tellWithdrawn } from '../account/service.js';
import { audit, requiredReason, type Actor } from '../audit/service.js';
import { currentContract } from '../contracts/service.js';
import { customerLink, customersByLinkedFaucetNo, customersByLinkedHolder, linksOf } from '../faucets/links.js';
import { FAILED_PROOFS_PER_FAUCET, failedProofs, removeFaucet } from '../faucets/service.js';
import { latestNotices } from '../notices/reads.js';
import { myProcedures } from '../procedures/service.js';
import { inUtility } from '../../db/in-utility.js';

export const SEARCH_LIMIT = 50;

const noSuchAccount = new RefusalError('not-found', { ja: 'そのアカウントはありません', en: 'No such account' });

/**
 * Members found by part of a faucet number, e-mail address, holder name or its reading, or
 * nickname. Names match whatever the width or kana: 「なよろ」 finds 「ﾅﾖﾛ」 and 「ナヨロ」.
 * Each search is audited, what was searched for with it: who looked for whom is the question
 * an audit of personal data asks.
 *
 * One lookup per column, each the first SEARCH_LIMIT by address, then the first SEARCH_LIMIT of
 * them all: the first of the union are among the first of its parts. Apart, PostgreSQL plans
 * each on its own column's trigram index (server/db/schema.ts) when the pattern is rare, and
 * walks the members by address until it has enough when it is common (「なよろ」 in a city of
 * Nayoro), where one `or` over the joins read every row every time.
 */
export async function searchAccounts(deps: Pick<ServiceDeps, 'db' | 'now'>, actor: Actor, query: string) {
  const key = searchKey(query);
  if (key === '') throw new RefusalError('bad-input', { ja: '検索する語を入力してください', en: 'Enter something to search for' }, 'query');
  const digits = normalizeCodeNumber(query);
  const first = (match: SQL) =>
    deps.db
      .select({ id: customers.id, email: customers.email, nickname: customers.nickname })
      .from(customers)
      .where(and(inUtility(deps.db, customers), match))
      .orderBy(customers.email)
      .limit(SEARCH_LIMIT);
  const accounts = await union(
    first(sql`${customers.searchKey} like ${containing(key)}`),
    first(sql`${customers.email} like ${containing(key)}`),
    first(inArray(customers.id, customersByLinkedHolder(deps.db, key))),
    first(/^\d+$/.test(digits) ? inArray(customers.id, customersByLinkedFaucetNo(deps.db, digits)) : sql`false`)
  )
    .orderBy(customers.email)
    .limit(SEARCH_LIMIT);
  await audit(deps.db, actor, { action: 'account.search', details: { query, found: accounts.length } }, deps.now);
  if (accounts.length === 0) return [];
  const linked = await linksOf(deps.db, accounts.map((account) => account.id));
  return accounts.map((account) => ({ customerId: account.id, email: account.email, nickname: account.nickname, faucets: linked.filter((faucet) => faucet.customerId === account.id) }));
}

export const DETAIL_NOTICES = 50;

/** One account as staff see it: who, the faucets, the latest notices and every procedure; each view audited. */
export async function accountDetail(deps: ServiceDeps, actor: Actor, customerId: number) {
  const [account] = await deps.db
    .select({ customerId: customers.id, email: customers.email, nickname: customers.nickname, createdAt: customers.createdAt })
    .from(customers)
    .where(and(inUtility(deps.db, customers), eq(customers.id, customerId)));
  if (!account) throw noSuchAccount;
  await audit(deps.db, actor, { action: 'account.view', targetKind: 'customer', targetId: customerId }, deps.now);
  return { ...account, faucets: await linksOf(deps.db, [customerId]), notices: await latestNotices(deps.db, customerId, DETAIL_NOTICES), procedures: await myProcedures(deps, customerId) };
}

/** Staff unlink a faucet from an account (its paper slip resumes), with a reason, audited in the same transaction. */
export async function unlinkFaucet(deps: ServiceDeps, actor: Actor, input: { customerId: number; linkId: number; reason: string }): Promise<void> {
  const reason = requiredReason(input.reason);
  await deps.db.transaction(async (tx) => {
    const link = await customerLink(tx, input, tokyoDate(deps.now));
    if (!link) throw new RefusalError('not-found', { ja: 'その水栓はこのアカウントに登録されていません', en: 'That faucet is not on this account' });
    await removeFaucet({ ...deps, db: tx }, input.customerId, input.linkId);
    await audit(tx, actor, { action: 'account.unlink-faucet', targetKind: 'customer', targetId: input.customerId, reason, details: { faucetNo: link.faucetNo } }, deps.now);
  });
}

/**
 * A faucet by its number as a clerk on the phone needs it: its holder under the running contract
 * (null when none), its failed proofs that still count and whether they lock it now. A person
 * locked out at sign-up has no account to find, so this is how the clerk finds them. Showing a
 * holder is audited, as viewing an account is.
 */
export async function proofLock(deps: Pick<ServiceDeps, 'db' | 'now'>, actor: Actor, rawFaucetNo: string) {
  const faucetNo = normalizeCodeNumber(rawFaucetNo);
  const failures = await failedProofs(deps.db, proofAttempts.faucetNo, faucetNo, deps.now);
  const contract = await currentContract(deps.db, faucetNo, tokyoDate(deps.now));
  if (contract) await audit(deps.db, actor, { action: 'faucet.view', targetKind: 'faucet', targetId: faucetNo }, deps.now);
  const holder = contract ? { name: contract.holderName, supplyAddress: contract.supplyAddress } : null;
  return { faucetNo, failures, locked: failures >= FAILED_PROOFS_PER_FAUCET, holder };
}

/**
 * Unlocks a faucet locked by failed proofs (a customer on the phone who mistyped): the failures
 * so far stop counting (cleared_at), for every client. Audited with the reason.
 */
export async function unlockFaucetProof(deps: ServiceDeps, actor: Actor, input: { faucetNo: string; reason: string }): Promise<{ faucetNo: string; cleared: number }> {
  const reason = requiredReason(input.reason);
  const faucetNo = normalizeCodeNumber(input.faucetNo);
  return deps.db.transaction(async (tx) => {
    const cleared = await tx
      .update(proofAttempts)
      .set({ clearedAt: deps.now })
      .where(and(inUtility(tx, proofAttempts), eq(proofAttempts.faucetNo, faucetNo), eq(proofAttempts.succeeded, false), isNull(proofAttempts.clearedAt)))
      .returning({ id: proofAttempts.id });
    await audit(tx, actor, { action: 'faucet.unlock-proof', targetKind: 'faucet', targetId: faucetNo, reason, details: { cleared: cleared.length } }, deps.now);
    return { faucetNo, cleared: cleared.length };
  });
}

/** 退会 on the customer's behalf (a lost mailbox): the same as their own, with a reason in the audit log instead of a password. */
export async function withdrawAccount(deps: ServiceDeps, actor: Actor, input: { customerId: number; reason: string }): Promise<void> {
  const reason = requiredReason(input.reason);
  const email = await deps.db.transaction(async (tx) => {
    const [customer] = await tx.select({ email: customers.email }).from(customers).where(and(inUtility(tx, customers), eq(customers.id, input.customerId))).for('update');
    if (!customer) throw noSuchAccount;
    await deleteAccount({ ...deps, db: tx }, input.customerId);
    await audit(tx, actor, { action: 'account.withdraw', targetKind: 'customer', targetId: input.customerId, reason, details: { email: customer.email } }, deps.now);
    return customer.email;
  });
  tellWithdrawn(deps, email);
}
