import { and, countDistinct, desc, eq, isNotNull, lt, lte, not, sql, type SQL, type SQLWrapper } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { selectRows, type Database } from '../../db/client.js';
import { inUtility, sameUtility, utilityOf } from '../../db/in-utility.js';
import { contracts, faucets } from '../../db/schema.js';
import { inWindow } from './period-window.js';

/**
 * The contracts table's one owner. Other features join contracts through `contractView` and
 * ask this module's rules and queries; the customers import changes them through
 * ./customers-import.ts. The sync's pull reads them in its one snapshot statement
 * (features/sync/service.ts), the documented exception.
 */

/** Contracts as other features join them; Postgres folds the subquery into the query that joins it. */
export const contractView = new QueryBuilder()
  .select({
    utilityId: contracts.utilityId,
    id: contracts.id,
    faucetId: contracts.faucetId,
    holderName: contracts.holderName,
    holderKana: contracts.holderKana,
    phone: contracts.phone,
    supplyAddress: contracts.supplyAddress,
    contractStart: contracts.contractStart,
    contractEnd: contracts.contractEnd,
    searchKey: contracts.searchKey
  })
  .from(contracts)
  .as('contract');

/**
 * The one rule for when a contract has ended, in the queries that need it (filing, the
 * paper-slip changes, both exports, the console): on `today` (a Tokyo date), once its
 * contract_end is behind it. contract_end is the contract's last day: a customers import that
 * starts a new contract on the faucet ends the previous one the day before, so the former
 * holder's contract ends exactly when the new holder's starts, and not before (a tenant moving
 * out at the month's end still holds the faucet until then). For a query that joins contractView.
 */
export function contractEndedOn(today: string): SQL<boolean> {
  return sql<boolean>`${and(isNotNull(contractView.contractEnd), lt(contractView.contractEnd, today))}`.mapWith(Boolean);
}

/**
 * A contract as the billing system's files name it (its holder's start date and name), with
 * its last day and whether it has ended on `today`: the columns both export files select.
 */
export function contractNamedOn(today: string) {
  return {
    contractStart: contractView.contractStart,
    contractHolderName: contractView.holderName,
    contractEnd: contractView.contractEnd,
    ended: contractEndedOn(today)
  };
}

/** The contracts that hold their faucet on `today`: started, and not ended by the rule above. */
function contractRunningOn(today: string): SQL | undefined {
  return and(lte(contractView.contractStart, today), not(contractEndedOn(today)));
}

/**
 * Whether a change taking effect on `effectiveOn` comes after its contract's last day: the
 * billing system applies changes by faucet, so it would land on the next holder's contract,
 * even when made while the contract still ran. A contract with no end yet outlasts every change.
 */
export function effectiveAfterContract(effectiveOn: string, contractEnd: string | null): boolean {
  return contractEnd !== null && effectiveOn > contractEnd;
}

/** Whether a change may be handed to the billing system: its contract has not ended, and it takes effect by the contract's last day. */
export function changeWithinContract(change: { ended: boolean; effectiveOn: string; contractEnd: string | null }): boolean {
  return !change.ended && !effectiveAfterContract(change.effectiveOn, change.contractEnd);
}

/** How many faucets have a contract running today, for the staff overview. */
export async function faucetsInContractCount(db: Database, today: string): Promise<number> {
  const [running] = await db.select({ count: countDistinct(contractView.faucetId) }).from(contractView).where(and(inUtility(db, contractView), contractRunningOn(today)));
  return running?.count ?? 0;
}

/** The contract that holds the faucet now: the latest one that has started and not ended. */
export async function currentContract(db: Database, faucetNo: string, today: string) {
  const [row] = await db
    .select({ contractId: contractView.id, phone: contractView.phone, holderName: contractView.holderName, supplyAddress: contractView.supplyAddress })
    .from(contractView)
    .innerJoin(faucets, and(sameUtility(faucets, contractView), eq(faucets.id, contractView.faucetId)))
    .where(and(inUtility(db, contractView), eq(faucets.faucetNo, faucetNo), contractRunningOn(today)))
    .orderBy(desc(contractView.contractStart))
    .limit(1);
  return row;
}

/** A contract's faucet and last day. */
export async function contractFaucet(db: Database, contractId: number): Promise<{ faucetId: number; contractEnd: string | null }> {
  const [contract] = await db
    .select({ faucetId: contractView.faucetId, contractEnd: contractView.contractEnd })
    .from(contractView)
    .where(and(inUtility(db, contractView), eq(contractView.id, contractId)));
  if (!contract) throw new Error(`contract ${contractId} does not exist`);
  return contract;
}

/** The id of the contract that held the row's faucet on `day` (the latest started by then), or null: a scalar subquery. */
export function contractHoldingOn(row: { utilityId: SQLWrapper; faucetId: SQLWrapper }, day: SQLWrapper): SQL<number | null> {
  return sql<number | null>`(
    select c.id from ${contracts} c
    where c.utility_id = ${row.utilityId} and c.faucet_id = ${row.faucetId} and c.contract_start <= ${day}
    order by c.contract_start desc limit 1)`;
}

/** A bill of the contract's window that is not settled: its debit failed (振替不能), or it is past due with no payment (未納). */
export interface UnsettledBill {
  period: string;
  total: number;
  state: 'failed' | 'overdue';
}

/** The contract's unsettled bills on `today`, oldest first: what a clerk checks before a move-out's final bill. */
export function unsettledBillsOfContract(db: Database, contractId: number, today: string): Promise<UnsettledBill[]> {
  return selectRows<UnsettledBill>(
    db,
    sql`select b.period, b.total, case when p.result = 'failed' then 'failed' else 'overdue' end as state
        from bills b
        join ${contracts} c on c.utility_id = b.utility_id and c.id = ${contractId} and b.faucet_id = c.faucet_id and ${sql.raw(inWindow('b.period'))}
        left join payments p on p.utility_id = b.utility_id and p.faucet_id = b.faucet_id and p.period = b.period
        where b.utility_id = ${utilityOf(db)} and (p.result = 'failed' or (p.result is null and b.due_date < ${today}))
        order by b.period`
  );
}
