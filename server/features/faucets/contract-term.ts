import { and, countDistinct, isNotNull, lt, lte, not, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { contracts } from '../../db/schema.js';

/**
 * The one rule for when a contract has ended, in the queries that need it (filing, the
 * paper-slip changes, both exports, the console): on `today` (a Tokyo date), once its
 * contract_end is behind it. contract_end is the contract's last day: a customers import that
 * starts a new contract on the faucet ends the previous one the day before, so the former
 * holder's contract ends exactly when the new holder's starts, and not before (a tenant moving
 * out at the month's end still holds the faucet until then).
 */
export function contractEndedOn(today: string): SQL<boolean> {
  return sql<boolean>`${and(isNotNull(contracts.contractEnd), lt(contracts.contractEnd, today))}`.mapWith(Boolean);
}

/**
 * A contract as the billing system's files name it (its holder's start date and name), with
 * its last day and whether it has ended on `today`: the columns both export files select.
 */
export function contractNamedOn(today: string) {
  return {
    contractStart: contracts.contractStart,
    contractHolderName: contracts.holderName,
    contractEnd: contracts.contractEnd,
    ended: contractEndedOn(today)
  };
}

/** The contracts that hold their faucet on `today`: started, and not ended by the rule above. */
export function contractRunningOn(today: string): SQL | undefined {
  return and(lte(contracts.contractStart, today), not(contractEndedOn(today)));
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
  const [running] = await db.select({ count: countDistinct(contracts.faucetId) }).from(contracts).where(contractRunningOn(today));
  return running?.count ?? 0;
}
