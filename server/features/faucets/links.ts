import { and, count, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { inUtility, sameUtility } from '../../db/in-utility.js';
import { CURRENT_TRANSACTION_VERSION, customers, faucetLinks, faucets } from '../../db/schema.js';
import { containing } from '../../domain/like-pattern.js';
import { contractEndedOn, contractView } from '../contracts/service.js';

/**
 * The faucet_links table's one owner: a customer's link to a contract (and so to its faucet).
 * Every other module reads and writes links through these functions, never the table.
 */

/** Joins the links of the contracts `c` (features/contracts/period-window.ts), as `l`: for the statements that make notices for every linked customer at once. */
export const joinLinksOfContracts = 'join faucet_links l on l.utility_id = c.utility_id and l.contract_id = c.id';

/** The link a contract has, if any: a contract is linked to one account at a time. */
export async function linkOfContract(db: Database, contractId: number) {
  const [link] = await db.select({ customerId: faucetLinks.customerId }).from(faucetLinks).where(and(inUtility(db, faucetLinks), eq(faucetLinks.contractId, contractId)));
  return link;
}

/** How many links every account holds together, for the staff overview. */
export async function allLinksCount(db: Database): Promise<number> {
  const [linked] = await db.select({ count: count() }).from(faucetLinks).where(inUtility(db, faucetLinks));
  return linked?.count ?? 0;
}

/** How many faucets a customer has linked. */
export async function linkCount(db: Database, customerId: number): Promise<number> {
  const [linked] = await db.select({ count: count() }).from(faucetLinks).where(and(inUtility(db, faucetLinks), eq(faucetLinks.customerId, customerId)));
  return linked?.count ?? 0;
}

export async function insertLink(db: Database, link: { customerId: number; contractId: number; label: string | null; linkedAt: Date }): Promise<void> {
  await db.insert(faucetLinks).values(link);
}

/** Renames a customer's link; false when the customer has no such link. */
export async function relabelLink(db: Database, link: { customerId: number; linkId: number }, label: string | null): Promise<boolean> {
  const updated = await db
    .update(faucetLinks)
    .set({ label, version: sql.raw(CURRENT_TRANSACTION_VERSION) })
    .where(and(inUtility(db, faucetLinks), eq(faucetLinks.id, link.linkId), eq(faucetLinks.customerId, link.customerId)))
    .returning({ id: faucetLinks.id });
  return updated.length > 0;
}

/** Deletes a customer's link; answers the contract it bound, or undefined when the customer has no such link. */
export async function deleteLink(db: Database, link: { customerId: number; linkId: number }): Promise<number | undefined> {
  const [removed] = await db
    .delete(faucetLinks)
    .where(and(inUtility(db, faucetLinks), eq(faucetLinks.id, link.linkId), eq(faucetLinks.customerId, link.customerId)))
    .returning({ contractId: faucetLinks.contractId });
  return removed?.contractId;
}

/** One of a customer's links with its contract and faucet, and whether the contract has ended on `today`; undefined when it is not theirs. */
export async function customerLink(db: Database, link: { customerId: number; linkId: number }, today: string) {
  const [found] = await db
    .select({
      contractId: faucetLinks.contractId,
      faucetId: contractView.faucetId,
      faucetNo: faucets.faucetNo,
      contractEnd: contractView.contractEnd,
      ended: contractEndedOn(today)
    })
    .from(faucetLinks)
    .innerJoin(contractView, and(sameUtility(contractView, faucetLinks), eq(contractView.id, faucetLinks.contractId)))
    .innerJoin(faucets, and(sameUtility(faucets, contractView), eq(faucets.id, contractView.faucetId)))
    .where(and(inUtility(db, faucetLinks), eq(faucetLinks.id, link.linkId), eq(faucetLinks.customerId, link.customerId)));
  return found;
}

/** The ids of a customer's links. */
export async function linkIdsOf(db: Database, customerId: number): Promise<number[]> {
  const links = await db.select({ id: faucetLinks.id }).from(faucetLinks).where(and(inUtility(db, faucetLinks), eq(faucetLinks.customerId, customerId)));
  return links.map((link) => link.id);
}

/** The customers' links with what staff see of each faucet and its contract, by faucet number. */
export function linksOf(db: Database, customerIds: number[]) {
  return db
    .select({
      customerId: faucetLinks.customerId,
      linkId: faucetLinks.id,
      faucetNo: faucets.faucetNo,
      label: faucetLinks.label,
      holderName: contractView.holderName,
      holderKana: contractView.holderKana,
      supplyAddress: contractView.supplyAddress,
      contractStart: contractView.contractStart,
      linkedAt: faucetLinks.linkedAt
    })
    .from(faucetLinks)
    .innerJoin(contractView, and(sameUtility(contractView, faucetLinks), eq(contractView.id, faucetLinks.contractId)))
    .innerJoin(faucets, and(sameUtility(faucets, contractView), eq(faucets.id, contractView.faucetId)))
    .where(and(inUtility(db, faucetLinks), inArray(faucetLinks.customerId, customerIds)))
    .orderBy(faucets.faucetNo);
}

/** The customer each contract is linked to now (with the address to tell them at), for the contracts that have one. */
export function linkedCustomers(db: Database, contractIds: number[]) {
  return db
    .select({ contractId: faucetLinks.contractId, customerId: customers.id, email: customers.email })
    .from(faucetLinks)
    .innerJoin(customers, and(sameUtility(customers, faucetLinks), eq(customers.id, faucetLinks.customerId)))
    .where(and(inUtility(db, faucetLinks), inArray(faucetLinks.contractId, contractIds)));
}

/** The customers linked to a contract, for the two lookups below. */
const linkedContracts = (db: Database) =>
  db
    .select({ customerId: faucetLinks.customerId })
    .from(faucetLinks)
    .innerJoin(contractView, and(sameUtility(contractView, faucetLinks), eq(contractView.id, faucetLinks.contractId)));

/**
 * The customers with a linked faucet whose holder's search key (src/lib/shared/kana.ts) holds
 * `holderKey`: a set of customer ids, one of the staff search's lookups.
 */
export function customersByLinkedHolder(db: Database, holderKey: string) {
  return linkedContracts(db).where(and(inUtility(db, faucetLinks), sql`${contractView.searchKey} like ${containing(holderKey)}`));
}

/** The customers with a linked faucet whose number holds `digits`: another of the staff search's lookups. */
export function customersByLinkedFaucetNo(db: Database, digits: string) {
  return linkedContracts(db)
    .innerJoin(faucets, and(sameUtility(faucets, contractView), eq(faucets.id, contractView.faucetId)))
    .where(and(inUtility(db, faucetLinks), sql`${faucets.faucetNo} like ${containing(digits)}`));
}
