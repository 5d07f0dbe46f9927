import { and, desc, eq, inArray, isNull, lte, not, sql } from 'drizzle-orm';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import type { UtilityProfile } from '../../config.js';
import type { Database } from '../../db/client.js';
import { inUtility, sameUtility } from '../../db/in-utility.js';
import { markExported } from '../../db/mark-exported.js';
import { faucets, paperSlipChanges, procedures } from '../../db/schema.js';
import { createBusinessCalendar } from '../../domain/calendar.js';
import type { ServiceDeps } from '../../service-deps.js';
import { contractEndedOn, contractFaucet, contractHoldingOn, contractNamedOn, contractView, effectiveAfterContract } from '../contracts/service.js';
import { linkedCustomers } from '../faucets/links.js';

/**
 * Paper slips (紙の検針票): which faucets stop or resume getting one, and from when
 * (paper_slip_changes, this module's table), and who asked to keep theirs. Linking a faucet,
 * unlinking it and finishing a paper-slip procedure change it; the export hands the changes on.
 */

export interface PaperSlipRequest {
  faucetNo: string;
  holderName: string;
  /** The member the faucet is linked to now; null when it is linked to none (the slip goes by post anyway). */
  customerId: number | null;
  email: string | null;
  receiptNo: string;
  /** When staff finished the request. */
  decidedAt: Date;
}

/**
 * The contracts whose customer asked to keep the paper slip: their latest finished
 * 紙の検針票の送付希望 is not followed by a finished withdrawal of it. Linking such a faucet
 * leaves the slip coming; staff read the same list in the console.
 */
async function paperSlipRequests(db: Database, which: { contractId: number } | { runningOn: string }): Promise<PaperSlipRequest[]> {
  const latest = db
    .selectDistinctOn([procedures.contractId], {
      contractId: procedures.contractId,
      kind: procedures.kind,
      receiptNo: procedures.receiptNo,
      decidedAt: procedures.updatedAt
    })
    .from(procedures)
    .where(
      and(
        inUtility(db, procedures),
        eq(procedures.status, 'done'),
        inArray(procedures.kind, ['paper-slip', 'paper-slip-withdrawal']),
        'contractId' in which ? eq(procedures.contractId, which.contractId) : undefined
      )
    )
    .orderBy(procedures.contractId, desc(procedures.updatedAt), desc(procedures.id))
    .as('latest');
  const requests = await db
    .select({
      contractId: contractView.id,
      faucetNo: faucets.faucetNo,
      holderName: contractView.holderName,
      receiptNo: latest.receiptNo,
      decidedAt: latest.decidedAt
    })
    .from(latest)
    // latest is of the utility (above): the contract is looked for there too.
    .innerJoin(contractView, and(inUtility(db, contractView), eq(contractView.id, latest.contractId)))
    .innerJoin(faucets, and(sameUtility(faucets, contractView), eq(faucets.id, contractView.faucetId)))
    .where(
      and(
        eq(latest.kind, 'paper-slip'),
        'runningOn' in which ? not(contractEndedOn(which.runningOn)) : undefined
      )
    )
    .orderBy(faucets.faucetNo);
  if (requests.length === 0) return [];
  const linked = await linkedCustomers(db, requests.map((request) => request.contractId));
  return requests.map(({ contractId, faucetNo, holderName, receiptNo, decidedAt }) => {
    const customer = linked.find((link) => link.contractId === contractId);
    return { faucetNo, holderName, customerId: customer?.customerId ?? null, email: customer?.email ?? null, receiptNo, decidedAt };
  });
}

/** Whether the contract's customer asked to keep the paper slip. */
export async function asksForPaper(db: Database, contractId: number): Promise<boolean> {
  return (await paperSlipRequests(db, { contractId })).length > 0;
}

/** Who asked to keep the paper slip, among the contracts running today. */
export function paperSlipRequestsToday(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<PaperSlipRequest[]> {
  return paperSlipRequests(deps.db, { runningOn: tokyoDate(deps.now) });
}

/**
 * The faucet of the contract stops (paperless) or resumes getting the paper slip from the next
 * business day. A change that would take effect after the contract's last day changes nothing
 * (as for a contract that has ended, whose every change would): the faucet's slip is then the
 * new holder's to choose, and a former holder unlinking, withdrawing or finishing an old request
 * must not undo it.
 */
export async function recordPaperSlipChange(db: Database, contractId: number, paperless: boolean, now: Date, profile: UtilityProfile) {
  const contract = await contractFaucet(db, contractId);
  const effectiveOn = createBusinessCalendar(profile.closingDays).nextBusinessDay(tokyoDate(now));
  if (effectiveAfterContract(effectiveOn, contract.contractEnd)) return;
  await db.insert(paperSlipChanges).values({ faucetId: contract.faucetId, contractId, paperless, requestedAt: now, effectiveOn });
}

/**
 * The contract a paper-slip change is for: the one it names, or, for a row written before
 * changes named their contract, the one that held the faucet on the day it was asked for.
 */
const changeContractId = sql`coalesce(${paperSlipChanges.contractId}, ${contractHoldingOn(
  paperSlipChanges,
  sql`(${paperSlipChanges.requestedAt} at time zone 'Asia/Tokyo')::date`
)})`;

/** The changes not handed to the billing system yet that take effect by `effectiveUntil`, with the contract each is for as of `now`. */
export function pendingPaperSlipChanges(db: Database, effectiveUntil: string, now: Date) {
  return db
    .select({
      id: paperSlipChanges.id,
      faucetNo: faucets.faucetNo,
      paperless: paperSlipChanges.paperless,
      effectiveOn: paperSlipChanges.effectiveOn,
      requestedAt: paperSlipChanges.requestedAt,
      ...contractNamedOn(tokyoDate(now))
    })
    .from(paperSlipChanges)
    .innerJoin(faucets, and(sameUtility(faucets, paperSlipChanges), eq(faucets.id, paperSlipChanges.faucetId)))
    // Left: a change whose faucet had no contract yet still goes out as before, naming none.
    .leftJoin(contractView, and(sameUtility(contractView, paperSlipChanges), eq(contractView.id, changeContractId)))
    .where(and(inUtility(db, paperSlipChanges), isNull(paperSlipChanges.exportedAt), lte(paperSlipChanges.effectiveOn, effectiveUntil)));
}

/** Marks changes handed over (markExported); answers the ids this run marked. */
export function markPaperSlipChangesExported(tx: Database, ids: number[], now: Date): Promise<Set<number>> {
  return markExported(tx, paperSlipChanges, ids, now);
}

/** Of the faucets, how many get no paper slip now: their latest paper-slip change in effect says paperless. */
export async function paperlessFaucetCount(db: Database, today: string): Promise<number> {
  const latest = db
    .selectDistinctOn([paperSlipChanges.faucetId], { paperless: paperSlipChanges.paperless })
    .from(paperSlipChanges)
    .where(and(inUtility(db, paperSlipChanges), lte(paperSlipChanges.effectiveOn, today)))
    .orderBy(paperSlipChanges.faucetId, desc(paperSlipChanges.effectiveOn), desc(paperSlipChanges.id))
    .as('latest');
  const [paperless] = await db.select({ count: sql<number>`count(*)::int` }).from(latest).where(eq(latest.paperless, true));
  return paperless?.count ?? 0;
}
