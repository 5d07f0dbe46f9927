import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { JobDeps } from '../../service-deps.js';
import { markExported } from '../../db/mark-exported.js';
import { faucets, procedureEvents, procedures } from '../../db/schema.js';
import { neutralizeFormula } from '../../../src/lib/shared/csv-cell.js';
import { tokyoDate, tokyoTimestamp } from '../../../src/lib/shared/tokyo-time.js';
import type { BusinessCalendar } from '../../domain/calendar.js';
import { changeEffectiveOn } from '../../domain/change-effective.js';
import { moveDayOf, type ProcedureContent } from '../../../src/lib/shared/procedure-form.js';
import { changeWithinContract, contractNamedOn, contractView } from '../contracts/service.js';
import { markPaperSlipChangesExported, pendingPaperSlipChanges } from '../paper-slips/service.js';
import { inUtility, sameUtility } from '../../db/in-utility.js';

/**
 * Both files as the billing system reads them: a header, CRLF line ends, and no cell a
 * spreadsheet would run as a formula (a holder's name or address is typed by a customer).
 */
function csvFile(columns: readonly string[], records: (string | null)[][]): string {
  return stringify(records, { header: true, columns: [...columns], record_delimiter: 'windows', cast: { string: neutralizeFormula } });
}

/** The contract a change is for, as both files name it: its holder's start date and name. */
interface ContractNamed {
  contractStart: string | null;
  contractHolderName: string | null;
}

const paperlessColumns = ['faucet_no', 'paper_slip', 'effective_on', 'requested_at', 'contract_start', 'contract_holder_name'] as const;

interface HandedOverChange extends ContractNamed {
  id: number;
  faucetNo: string;
  paperless: boolean;
  effectiveOn: string;
  requestedAt: Date;
}

export interface PaperlessExportResult {
  rows: number;
  /** Changes effective on or before this date were handed over. */
  effectiveUntil: string;
  /** Due changes not handed over because their contract has ended or ends before they take effect; they stay pending (see exportPaperSlipChanges). */
  withheld: number;
}

/**
 * Every change is handed over, in the order customers asked, rather than only each faucet's
 * latest: the billing system applies them in turn and ends in the same state, its history
 * keeps every request with its own effective date, and no row is marked exported that the
 * file did not carry.
 */
function byRequestOrder(a: HandedOverChange, b: HandedOverChange): number {
  return a.requestedAt.getTime() - b.requestedAt.getTime() || a.id - b.id;
}

function toCsv(changes: HandedOverChange[]): string {
  const records = changes.map((change) => [
    change.faucetNo,
    change.paperless ? 'stop' : 'resume',
    change.effectiveOn,
    tokyoTimestamp(change.requestedAt),
    change.contractStart,
    change.contractHolderName
  ]);
  return csvFile(paperlessColumns, records);
}

/**
 * Hands the billing system every paper-slip change not handed over yet whose effective date
 * has come or comes on the next business day: the file must reach the billing system before
 * the day the change takes effect, and a change whose day passed without an export (a missed
 * run) goes out with the next one rather than never. Later changes wait for a later file.
 *
 * A change for a contract that has ended, or taking effect after its contract's last day
 * (contract-term.ts), is never handed over: the faucet's slip is then the new holder's, and the
 * billing system applies the file by faucet. Such a
 * change is not marked either; it stays pending and is counted as withheld at every run, so a
 * contract end the billing system takes back (a later customers import) lets it go out then.
 *
 * The rows are marked exported and `deliver` writes the file inside one transaction, so a
 * failed write leaves them pending for the next run.
 */
export async function exportPaperSlipChanges(
  { db, now }: JobDeps,
  options: { calendar: BusinessCalendar; deliver: (csv: string) => Promise<void> }
): Promise<PaperlessExportResult> {
  const effectiveUntil = options.calendar.nextBusinessDay(tokyoDate(now));
  return db.transaction(async (tx) => {
    const due = await pendingPaperSlipChanges(tx, effectiveUntil, now);
    const current = due.filter(changeWithinContract);
    const ours = await markPaperSlipChangesExported(tx, current.map((change) => change.id), now);
    const handedOver = current.filter((change) => ours.has(change.id)).sort(byRequestOrder);
    await options.deliver(toCsv(handedOver));
    return { rows: handedOver.length, effectiveUntil, withheld: due.length - current.length };
  });
}

const changeColumns = [
  'receipt_no',
  'faucet_no',
  'change',
  'effective_on',
  'holder_name',
  'holder_kana',
  'holder_phone',
  'billing_name',
  'billing_postal_code',
  'billing_address',
  'billing_phone',
  'approved_at',
  'contract_start',
  'contract_holder_name',
  'supply_postal_code',
  'supply_address',
  'payment',
  'contact_phone'
] as const;

const handedOverKinds = ['holder-change', 'billing-address', 'move-out', 'move-in'] as const;

interface ApprovedChange extends ContractNamed {
  ended: boolean;
  contractEnd: string | null;
  id: number;
  receiptNo: string;
  /** A move-in's only if the person typed it. */
  faucetNo: string | null;
  content: ProcedureContent;
  approvedAt: Date;
  effectiveOn: string;
}

function changeRecord(change: ApprovedChange): (string | null)[] {
  const { content } = change;
  const common = [change.receiptNo, change.faucetNo];
  const approvedAt = tokyoTimestamp(change.approvedAt);
  const contract = [change.contractStart, change.contractHolderName];
  const none = [null, null, null, null];
  switch (content.kind) {
    case 'holder-change':
      return [...common, 'holder', change.effectiveOn, content.newHolderName, content.newHolderKana, content.phone, null, null, null, null, approvedAt, ...contract, ...none];
    case 'billing-address':
      return [...common, 'billing_address', change.effectiveOn, null, null, null, content.name, content.postalCode, content.address, content.phone, approvedAt, ...contract, ...none];
    // The final bill goes to the forwarding address; the phone is for the final reading.
    case 'move-out':
      return [...common, 'move_out', change.effectiveOn, null, null, null, null, content.postalCode, content.address, null, approvedAt, ...contract, null, null, content.finalPayment, content.phone];
    // The new holder at the supply address; `payment` debit: the account-transfer form is to be posted.
    case 'move-in':
      return [
        ...common,
        'move_in',
        change.effectiveOn,
        content.applicantName,
        content.applicantKana,
        content.phone,
        null,
        null,
        null,
        null,
        approvedAt,
        ...contract,
        content.postalCode,
        content.address,
        content.debit ? 'debit' : 'slip',
        content.phone
      ];
    default:
      throw new Error(`procedure ${change.receiptNo} is not a change the billing system takes`);
  }
}

export interface ChangesExportResult {
  rows: number;
  effectiveUntil: string;
  /** Due changes not handed over because their contract has ended or ends before they take effect; they stay pending (see exportApprovedChanges). */
  withheld: number;
}

/**
 * Hands the billing system the holder, billing-address and move changes staff finished (完了) and
 * not handed over yet, under the paperless file's rule: those effective by the next business
 * day (see changeEffectiveOn; a move on its day), later ones in a later file, each in exactly one file, and none
 * for a contract that has ended or ends before the change takes effect, which stays pending and withheld as in the paperless file
 * (the billing system would apply it by faucet, to the new holder's contract). The candidates
 * are read and then marked in the same transaction as the file is written (markExported).
 */
export async function exportApprovedChanges(
  { db, now }: JobDeps,
  options: { calendar: BusinessCalendar; deliver: (csv: string) => Promise<void> }
): Promise<ChangesExportResult> {
  const effectiveUntil = options.calendar.nextBusinessDay(tokyoDate(now));
  return db.transaction(async (tx) => {
    const approvedAt = sql<Date>`max(${procedureEvents.at})`.mapWith((value: string | Date) => new Date(value));
    const candidates = await tx
      .select({
        id: procedures.id,
        receiptNo: procedures.receiptNo,
        faucetNo: sql<string | null>`coalesce(${faucets.faucetNo}, ${procedures.content}->>'faucetNo')`,
        content: procedures.content,
        approvedAt,
        ...contractNamedOn(tokyoDate(now))
      })
      .from(procedures)
      // A move-in has neither faucet nor contract yet: the billing system starts one from it.
      .leftJoin(faucets, and(sameUtility(faucets, procedures), eq(faucets.id, procedures.faucetId)))
      .leftJoin(contractView, and(sameUtility(contractView, procedures), eq(contractView.id, procedures.contractId)))
      .innerJoin(procedureEvents, and(sameUtility(procedureEvents, procedures), eq(procedureEvents.procedureId, procedures.id), eq(procedureEvents.status, 'done')))
      .where(and(inUtility(tx, procedures), eq(procedures.status, 'done'), isNull(procedures.exportedAt), inArray(procedures.kind, [...handedOverKinds])))
      .groupBy(procedures.utilityId, procedures.id, faucets.faucetNo, contractView.id, contractView.contractStart, contractView.holderName, contractView.contractEnd);
    const due = candidates
      .map((candidate): ApprovedChange => {
        const content = candidate.content as ProcedureContent;
        // A move is read on its day: finished late, it still ends (or starts) the contract then, not later.
        const moveDay = moveDayOf(content);
        const askedFor = content.kind === 'holder-change' ? content.effectiveDate : null;
        return { ...candidate, content, effectiveOn: moveDay ?? changeEffectiveOn(options.calendar, tokyoDate(candidate.approvedAt), askedFor) };
      })
      .filter((change) => change.effectiveOn <= effectiveUntil);
    const current = due.filter(changeWithinContract);
    const ours = await markExported(tx, procedures, current.map((change) => change.id), now);
    const handedOver = current.filter((change) => ours.has(change.id)).sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime() || a.id - b.id);
    await options.deliver(csvFile(changeColumns, handedOver.map(changeRecord)));
    return { rows: handedOver.length, effectiveUntil, withheld: due.length - current.length };
  });
}
