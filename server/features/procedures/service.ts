import { and, asc, count, desc, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import {
  checkProcedureForm,
  moveDayOf,
  moveKinds,
  procedureNames,
  procedureStatusNames,
  statusChangeProblem,
  type ProcedureContent,
  type MemberProcedureKind,
  type ProcedureKind,
  type ProcedureRecord,
  type ProcedureStatus
} from '../../../src/lib/shared/procedure-form.js';
import type { NoticeFacts } from '../../../src/lib/shared/notices.js';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import type { UtilityProfile } from '../../config.js';
import { createBusinessCalendar } from '../../domain/calendar.js';
import { changeEffectiveOn } from '../../domain/change-effective.js';
import type { Database } from '../../db/client.js';
import { inUtility, sameUtility } from '../../db/in-utility.js';
import { CURRENT_TRANSACTION_VERSION, customers, faucets, procedureEvents, procedures } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';
import { LOCKED_COUNT, lockKeys } from '../../limits/rate-limits.js';
import type { ServiceDeps } from '../../service-deps.js';
import { audit, type Actor } from '../audit/service.js';
import { contractEndedOn, contractView, effectiveAfterContract, unsettledBillsOfContract, type UnsettledBill } from '../contracts/service.js';
import { customerLink } from '../faucets/links.js';
import { contactStaff } from '../faucets/service.js';
import { makeProcedureNotice } from '../notices/make.js';
import { mailMoveInStatus, moveDayRefusal } from '../moves/service.js';
import { asksForPaper, recordPaperSlipChange } from '../paper-slips/service.js';
import { nextReceiptNo } from './receipt-numbers.js';

/** A procedure as the services hand it on, its instants as dates (the sync sends them as ISO text). */
export type ProcedureView = ProcedureRecord<Date>;

/** Filings per customer a day: far above any household's or company's need, low enough that a runaway device cannot flood the counter. */
export const FILINGS_PER_DAY = 20;
const DAY_MS = 24 * 3600_000;

const notYourFaucet = new RefusalError('not-found', { ja: 'その水栓は登録されていません', en: 'No such faucet on your account' }, 'linkId');

/**
 * One move-out at a time a contract: a second while the first is still open would hand the billing
 * system two last days. Under the customer's lock (a contract has one member linked).
 */
async function refuseSecondMoveOut(tx: Database, contractId: number, profile: UtilityProfile): Promise<void> {
  const [open] = await tx
    .select({ receiptNo: procedures.receiptNo })
    .from(procedures)
    .where(and(inUtility(tx, procedures), eq(procedures.contractId, contractId), eq(procedures.kind, 'move-out'), inArray(procedures.status, ['received', 'processing'])));
  if (!open) return;
  const contact = contactStaff(profile);
  throw new RefusalError(
    'conflict',
    {
      ja: `この水栓の使用中止はお申し込み済みです（受付番号 ${open.receiptNo}）。日にちを変える場合は${contact.ja}へお問い合わせください`,
      en: `Stopping the supply of this faucet is already filed (receipt ${open.receiptNo}); to change the day, please call ${contact.en}`
    },
    'linkId'
  );
}

/** A filing refused because it would take effect after the contract's last day: ended already, or ending before then. */
function contractTermRefusal(contractEnd: string, ended: boolean, profile: UtilityProfile): RefusalError {
  const contact = contactStaff(profile);
  return new RefusalError(
    'forbidden',
    ended
      ? {
          ja: `この水栓のご契約は${contractEnd}に終了しているため、お手続きを受け付けられません。${contact.ja}へお問い合わせください`,
          en: `Your contract on this faucet ended on ${contractEnd}, so no procedure can be filed for it; please call ${contact.en}`
        }
      : {
          ja: `この水栓のご契約は${contractEnd}で終了するため、それより後に効力が生じるお手続きは受け付けられません。${contact.ja}へお問い合わせください`,
          en: `Your contract on this faucet ends on ${contractEnd}, so no procedure taking effect after that day can be filed; please call ${contact.en}`
        },
    'linkId'
  );
}

const procedureColumns = {
  id: procedures.id,
  receiptNo: procedures.receiptNo,
  clientId: procedures.clientId,
  kind: procedures.kind,
  // A move-in has no faucet row: the number the person typed, if any.
  faucetNo: sql<string | null>`coalesce(${faucets.faucetNo}, ${procedures.content}->>'faucetNo')`,
  content: procedures.content,
  status: procedures.status,
  staffNote: procedures.staffNote,
  filedAt: procedures.filedAt,
  updatedAt: procedures.updatedAt
};

/**
 * Which procedures to read: one by its id, or a customer's; of those, when `versions` is given,
 * only the ones written by a transaction in [from, below) (the sync's window, server/features/sync).
 */
export type ProcedureFilter = { procedureId: number } | { customerId: number; versions?: { from: number; below: number } };

function procedureCondition(filter: ProcedureFilter): SQL | undefined {
  if ('procedureId' in filter) return eq(procedures.id, filter.procedureId);
  const { customerId, versions } = filter;
  return and(eq(procedures.customerId, customerId), versions && gte(procedures.version, versions.from), versions && lt(procedures.version, versions.below));
}

/** Procedures with their history, newest first. */
export async function proceduresMatching(db: Database, filter: ProcedureFilter): Promise<ProcedureView[]> {
  const rows = await db
    .select(procedureColumns)
    .from(procedures)
    .leftJoin(faucets, and(sameUtility(faucets, procedures), eq(faucets.id, procedures.faucetId)))
    .where(and(inUtility(db, procedures), procedureCondition(filter)))
    .orderBy(desc(procedures.filedAt), desc(procedures.id));
  if (rows.length === 0) return [];
  const events = await db
    .select({ procedureId: procedureEvents.procedureId, status: procedureEvents.status, note: procedureEvents.note, at: procedureEvents.at })
    .from(procedureEvents)
    .where(and(inUtility(db, procedureEvents), inArray(procedureEvents.procedureId, rows.map((row) => row.id))))
    .orderBy(asc(procedureEvents.at), asc(procedureEvents.id));
  return rows.map((row) => ({
    ...row,
    content: row.content as ProcedureContent,
    history: events.filter((event) => event.procedureId === row.id).map(({ status, note, at }) => ({ status, note, at }))
  }));
}

/**
 * Files a procedure for one of the caller's faucets, exactly once per client id: the device's
 * outbox sends the same id again when an answer was lost, and gets the first filing's receipt.
 * Sends of one id that arrive together are taken one after another under the customer's lock.
 */
export async function fileProcedure(
  deps: ServiceDeps,
  input: { customerId: number; clientId: string; linkId: number; kind: MemberProcedureKind; fields: Record<string, string> }
): Promise<ProcedureView> {
  const { customerId, clientId } = input;
  const check = checkProcedureForm(input.kind, input.fields);
  if (!check.ok) {
    const [first] = check.problems;
    throw new RefusalError('bad-input', first!.reason, first!.field, undefined, check.problems);
  }
  const id = await deps.db.transaction(async (tx) => {
    await lockKeys(tx, [`procedures:${customerId}`]);
    const [earlier] = await tx
      .select({ id: procedures.id })
      .from(procedures)
      .where(and(inUtility(tx, procedures), eq(procedures.customerId, customerId), eq(procedures.clientId, clientId)));
    // A resend gets the first filing, however late it comes: the rules below were the first filing's to meet.
    if (earlier) return earlier.id;
    const tooSoon = moveDayRefusal(deps, check.content);
    if (tooSoon) throw tooSoon;
    // Counted under the lock taken above, so filings sent together cannot all pass it.
    const [today] = await tx
      .select({ count: count() })
      .from(procedures)
      .where(and(inUtility(tx, procedures), eq(procedures.customerId, customerId), gt(procedures.filedAt, new Date(deps.now.getTime() - DAY_MS))));
    if ((today?.count ?? 0) >= FILINGS_PER_DAY) {
      throw new RefusalError('too-many', {
        ja: `お手続きの申し込みは1日${FILINGS_PER_DAY}件までです。明日以降にお試しいただくか、窓口にお問い合わせください`,
        en: `At most ${FILINGS_PER_DAY} procedures a day; please try again tomorrow or contact the counter`
      });
    }
    const link = await customerLink(tx, { customerId, linkId: input.linkId }, tokyoDate(deps.now));
    if (!link) throw notYourFaucet;
    if (input.kind === 'move-out') await refuseSecondMoveOut(tx, link.contractId, deps.config.profile);
    // The link stays as the former holder's history; a change taking effect after the contract's
    // last day would reach the next holder's contract. It takes effect at the earliest on the
    // business day after today (approval is later still), or on the day a holder change or a move-out asks for.
    const askedFor = check.content.kind === 'holder-change' ? check.content.effectiveDate : moveDayOf(check.content);
    const earliest = changeEffectiveOn(createBusinessCalendar(deps.config.profile.closingDays), tokyoDate(deps.now), askedFor);
    if (effectiveAfterContract(earliest, link.contractEnd)) throw contractTermRefusal(link.contractEnd!, link.ended, deps.config.profile);
    const [filed] = await tx
      .insert(procedures)
      .values({
        receiptNo: await nextReceiptNo(tx, deps.now),
        customerId,
        clientId,
        faucetId: link.faucetId,
        contractId: link.contractId,
        kind: input.kind,
        content: check.content,
        status: 'received',
        filedAt: deps.now,
        updatedAt: deps.now
      })
      .returning({ id: procedures.id });
    await tx.insert(procedureEvents).values({ procedureId: filed!.id, status: 'received', at: deps.now });
    return filed!.id;
  }, LOCKED_COUNT);
  const [view] = await proceduresMatching(deps.db, { procedureId: id });
  return view!;
}

/** The caller's procedures with their history, newest first. */
export function myProcedures(deps: ServiceDeps, customerId: number): Promise<ProcedureView[]> {
  return proceduresMatching(deps.db, { customerId });
}

export interface QueueFilter {
  status?: ProcedureStatus | undefined;
  /** One kind, or 'moves' for 使用開始 and 使用中止 together. */
  kind?: ProcedureKind | 'moves' | undefined;
}

export const QUEUE_PAGE = 200;

/** The staff queue: oldest first, so what waits longest is seen first; with who filed it. */
export async function procedureQueue(deps: Pick<ServiceDeps, 'db'>, filter: QueueFilter) {
  const where = and(
    filter.status ? eq(procedures.status, filter.status) : undefined,
    filter.kind === 'moves' ? inArray(procedures.kind, [...moveKinds]) : filter.kind ? eq(procedures.kind, filter.kind) : undefined
  );
  return deps.db
    .select({
      ...procedureColumns,
      customerId: procedures.customerId,
      // A move-in's applicant has no account: the address they confirmed.
      email: sql<string | null>`coalesce(${customers.email}, ${procedures.applicantEmail})`,
      holderName: contractView.holderName
    })
    .from(procedures)
    .leftJoin(faucets, and(sameUtility(faucets, procedures), eq(faucets.id, procedures.faucetId)))
    .leftJoin(contractView, and(sameUtility(contractView, procedures), eq(contractView.id, procedures.contractId)))
    .leftJoin(customers, and(sameUtility(customers, procedures), eq(customers.id, procedures.customerId)))
    .where(and(inUtility(deps.db, procedures), where))
    .orderBy(asc(procedures.filedAt), asc(procedures.id))
    .limit(QUEUE_PAGE);
}

/** The contract a procedure was filed for, as staff see it: whose, from when, and whether it has ended (and on which day). */
export interface ProcedureContract {
  holderName: string;
  contractStart: string;
  contractEnd: string | null;
  ended: boolean;
}

/** What a clerk checks before a move-out's final bill: whether the faucet gets no paper slip, and the contract's unsettled bills. */
export interface MoveOutChecks {
  paperless: boolean;
  unsettledBills: UnsettledBill[];
}

export type ProcedureDetail = ProcedureView & {
  /** Null for a move-in, which has no contract yet. */
  contract: ProcedureContract | null;
  /** A move-in's confirmed address (the person has no account). */
  applicantEmail: string | null;
  moveOut: MoveOutChecks | null;
};

/** A procedure for staff: with the contract it was filed for, current or ended, so a former holder's filing is seen as such. */
export async function procedureDetail(deps: Pick<ServiceDeps, 'db' | 'now'>, procedureId: number): Promise<ProcedureDetail> {
  const [view] = await proceduresMatching(deps.db, { procedureId });
  if (!view) throw new RefusalError('not-found', { ja: 'その手続きはありません', en: 'No such procedure' });
  const today = tokyoDate(deps.now);
  const [row] = await deps.db
    .select({
      contractId: procedures.contractId,
      applicantEmail: procedures.applicantEmail,
      holderName: contractView.holderName,
      contractStart: contractView.contractStart,
      contractEnd: contractView.contractEnd,
      ended: contractEndedOn(today)
    })
    .from(procedures)
    .leftJoin(contractView, and(sameUtility(contractView, procedures), eq(contractView.id, procedures.contractId)))
    .where(and(inUtility(deps.db, procedures), eq(procedures.id, procedureId)));
  const { contractId, applicantEmail, holderName, contractStart, contractEnd, ended } = row!;
  const contract = contractId !== null && holderName !== null && contractStart !== null ? { holderName, contractStart, contractEnd, ended } : null;
  const moveOut =
    view.kind === 'move-out' && contractId !== null
      ? { paperless: !(await asksForPaper(deps.db, contractId)), unsettledBills: await unsettledBillsOfContract(deps.db, contractId, today) }
      : null;
  return { ...view, contract, applicantEmail, moveOut };
}

/**
 * Staff move a procedure on with a note to the customer. The status, its history row, the
 * customer's notice (and its deliveries) and the audit row are one transaction; the row is
 * locked first, so two clerks moving it at once cannot both move it from the same status.
 */
export async function changeProcedureStatus(
  deps: ServiceDeps,
  actor: Actor & { staffId: number },
  input: { procedureId: number; status: ProcedureStatus; note: string }
): Promise<ProcedureDetail> {
  const note = input.note.trim();
  const moveIn = await deps.db.transaction(async (tx) => {
    const [current] = await tx
      .select({
        id: procedures.id,
        status: procedures.status,
        customerId: procedures.customerId,
        faucetId: procedures.faucetId,
        contractId: procedures.contractId,
        kind: procedures.kind,
        receiptNo: procedures.receiptNo,
        content: procedures.content,
        applicantEmail: procedures.applicantEmail
      })
      .from(procedures)
      .where(and(inUtility(tx, procedures), eq(procedures.id, input.procedureId)))
      .for('update');
    if (!current) throw new RefusalError('not-found', { ja: 'その手続きはありません', en: 'No such procedure' });
    const problem = statusChangeProblem(current.status, input.status, note);
    if (problem) throw new RefusalError('conflict', problem.reason, problem.field);
    await tx
      .update(procedures)
      .set({ status: input.status, staffNote: note || null, updatedAt: deps.now, version: sql.raw(CURRENT_TRANSACTION_VERSION) })
      .where(and(inUtility(tx, procedures), eq(procedures.id, current.id)));
    await tx.insert(procedureEvents).values({ procedureId: current.id, status: input.status, note: note || null, staffId: actor.staffId, at: deps.now });
    // A finished paper-slip request (or its withdrawal) goes to the billing system with the paperless file.
    if (input.status === 'done' && (current.kind === 'paper-slip' || current.kind === 'paper-slip-withdrawal')) {
      await recordPaperSlipChange(tx, current.contractId!, current.kind === 'paper-slip-withdrawal', deps.now, deps.config.profile);
    }
    if (current.customerId !== null && current.faucetId !== null) {
      // The clerk's note (a 差戻し's reason) reaches the customer in the notice and its mail, as the console says.
      const facts: NoticeFacts = {
        topic: 'procedure',
        receiptNo: current.receiptNo,
        procedure: procedureNames[current.kind],
        status: procedureStatusNames[input.status],
        ...(note ? { note } : {})
      };
      await makeProcedureNotice(tx, { customerId: current.customerId, faucetId: current.faucetId, facts }, deps.now);
    }
    await audit(
      tx,
      actor,
      { action: 'procedure.status', targetKind: 'procedure', targetId: current.receiptNo, reason: note || null, details: { from: current.status, to: input.status } },
      deps.now
    );
    // Read committed: after waiting for the row lock, the check sees the status the other clerk left.
    return current.applicantEmail === null
      ? null
      : { email: current.applicantEmail, receiptNo: current.receiptNo, content: current.content as ProcedureContent, status: input.status, note: note || null };
  }, LOCKED_COUNT);
  if (moveIn) mailMoveInStatus(deps, moveIn);
  return procedureDetail(deps, input.procedureId);
}
