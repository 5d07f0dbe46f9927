import { and, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { searchKey } from '../../../src/lib/shared/kana.js';
import { normalizeCodeNumber } from '../../../src/lib/shared/normalize.js';
import { contracts, customers, faucetLinks, faucets, proofAttempts } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';
import type { ServiceDeps } from '../../service-deps.js';
import { deleteAccount, tellWithdrawn } from '../account/service.js';
import { audit, requiredReason, type Actor } from '../audit/service.js';
import { FAILED_PROOFS_PER_FAUCET, failedProofs, removeFaucet } from '../faucets/service.js';
import { latestNotices } from '../notices/reads.js';
import { myProcedures } from '../procedures/service.js';

export const SEARCH_LIMIT = 50;

/** A LIKE pattern that finds `text` anywhere, its own % _ and \ taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

const noSuchAccount = new RefusalError('not-found', { ja: 'そのアカウントはありません', en: 'No such account' });

/**
 * Members found by part of a faucet number, e-mail address, holder name or its reading, or
 * nickname. Names match whatever the width or kana: 「なよろ」 finds 「ﾅﾖﾛ」 and 「ナヨロ」.
 * Each search is audited, what was searched for with it: who looked for whom is the question
 * an audit of personal data asks.
 */
export async function searchAccounts(deps: Pick<ServiceDeps, 'db' | 'now'>, actor: Actor, query: string) {
  const key = searchKey(query);
  if (key === '') throw new RefusalError('bad-input', { ja: '検索する語を入力してください', en: 'Enter something to search for' }, 'query');
  const digits = normalizeCodeNumber(query);
  const matches = [
    sql`${contracts.searchKey} like ${containing(key)}`,
    sql`${customers.searchKey} like ${containing(key)}`,
    sql`${customers.email} like ${containing(key)}`,
    ...(/^\d+$/.test(digits) ? [sql`${faucets.faucetNo} like ${containing(digits)}`] : [])
  ];
  const found = await deps.db
    .selectDistinct({ id: customers.id, email: customers.email })
    .from(customers)
    .leftJoin(faucetLinks, eq(faucetLinks.customerId, customers.id))
    .leftJoin(contracts, eq(contracts.id, faucetLinks.contractId))
    .leftJoin(faucets, eq(faucets.id, contracts.faucetId))
    .where(or(...matches))
    .orderBy(customers.email)
    .limit(SEARCH_LIMIT);
  await audit(deps.db, actor, { action: 'account.search', details: { query, found: found.length } }, deps.now);
  if (found.length === 0) return [];
  const ids = found.map((row) => row.id);
  const accounts = await deps.db.select({ id: customers.id, email: customers.email, nickname: customers.nickname }).from(customers).where(inArray(customers.id, ids)).orderBy(customers.email);
  const linked = await faucetsOf(deps, ids);
  return accounts.map((account) => ({ customerId: account.id, email: account.email, nickname: account.nickname, faucets: linked.filter((faucet) => faucet.customerId === account.id) }));
}

function faucetsOf(deps: Pick<ServiceDeps, 'db'>, customerIds: number[]) {
  return deps.db
    .select({
      customerId: faucetLinks.customerId,
      linkId: faucetLinks.id,
      faucetNo: faucets.faucetNo,
      label: faucetLinks.label,
      holderName: contracts.holderName,
      holderKana: contracts.holderKana,
      supplyAddress: contracts.supplyAddress,
      contractStart: contracts.contractStart,
      linkedAt: faucetLinks.linkedAt
    })
    .from(faucetLinks)
    .innerJoin(contracts, eq(contracts.id, faucetLinks.contractId))
    .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
    .where(inArray(faucetLinks.customerId, customerIds))
    .orderBy(faucets.faucetNo);
}

export const DETAIL_NOTICES = 50;

/** One account as staff see it: who, the faucets, the latest notices and every procedure; each view audited. */
export async function accountDetail(deps: ServiceDeps, actor: Actor, customerId: number) {
  const [account] = await deps.db
    .select({ customerId: customers.id, email: customers.email, nickname: customers.nickname, createdAt: customers.createdAt })
    .from(customers)
    .where(eq(customers.id, customerId));
  if (!account) throw noSuchAccount;
  await audit(deps.db, actor, { action: 'account.view', targetKind: 'customer', targetId: customerId }, deps.now);
  const notices = await latestNotices(deps.db, customerId, DETAIL_NOTICES);
  return { ...account, faucets: await faucetsOf(deps, [customerId]), notices, procedures: await myProcedures(deps, customerId) };
}

/** Staff unlink a faucet from an account (its paper slip resumes), with a reason, audited in the same transaction. */
export async function unlinkFaucet(deps: ServiceDeps, actor: Actor, input: { customerId: number; linkId: number; reason: string }): Promise<void> {
  const reason = requiredReason(input.reason);
  await deps.db.transaction(async (tx) => {
    const [link] = await tx
      .select({ faucetNo: faucets.faucetNo })
      .from(faucetLinks)
      .innerJoin(contracts, eq(contracts.id, faucetLinks.contractId))
      .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
      .where(and(eq(faucetLinks.id, input.linkId), eq(faucetLinks.customerId, input.customerId)));
    if (!link) throw new RefusalError('not-found', { ja: 'その水栓はこのアカウントに登録されていません', en: 'That faucet is not on this account' });
    await removeFaucet({ ...deps, db: tx }, input.customerId, input.linkId);
    await audit(tx, actor, { action: 'account.unlink-faucet', targetKind: 'customer', targetId: input.customerId, reason, details: { faucetNo: link.faucetNo } }, deps.now);
  });
}

/** A faucet's failed proofs that still count, and whether they lock it now. */
export async function proofLock(deps: Pick<ServiceDeps, 'db' | 'now'>, rawFaucetNo: string) {
  const faucetNo = normalizeCodeNumber(rawFaucetNo);
  const failures = await failedProofs(deps.db, proofAttempts.faucetNo, faucetNo, deps.now);
  return { faucetNo, failures, locked: failures >= FAILED_PROOFS_PER_FAUCET };
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
      .where(and(eq(proofAttempts.faucetNo, faucetNo), eq(proofAttempts.succeeded, false), isNull(proofAttempts.clearedAt)))
      .returning({ id: proofAttempts.id });
    await audit(tx, actor, { action: 'faucet.unlock-proof', targetKind: 'faucet', targetId: faucetNo, reason, details: { cleared: cleared.length } }, deps.now);
    return { faucetNo, cleared: cleared.length };
  });
}

/** 退会 on the customer's behalf (a lost mailbox): the same as their own, with a reason in the audit log instead of a password. */
export async function withdrawAccount(deps: ServiceDeps, actor: Actor, input: { customerId: number; reason: string }): Promise<void> {
  const reason = requiredReason(input.reason);
  const email = await deps.db.transaction(async (tx) => {
    const [customer] = await tx.select({ email: customers.email }).from(customers).where(eq(customers.id, input.customerId)).for('update');
    if (!customer) throw noSuchAccount;
    await deleteAccount({ ...deps, db: tx }, input.customerId);
    await audit(tx, actor, { action: 'account.withdraw', targetKind: 'customer', targetId: input.customerId, reason, details: { email: customer.email } }, deps.now);
    return customer.email;
  });
  tellWithdrawn(deps, email);
}
