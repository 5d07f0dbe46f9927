import { stringify } from 'csv-stringify/sync';
import { and, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { JobDeps } from '../../service-deps.js';
import { faucets, paperSlipChanges, procedureEvents, procedures } from '../../db/schema.js';
import { tokyoDate, tokyoTimestamp } from '../../../src/lib/shared/tokyo-time.js';
import type { BusinessCalendar } from '../../domain/calendar.js';
import { changeEffectiveOn } from '../../domain/change-effective.js';
import type { ProcedureContent } from '../../../src/lib/shared/procedure-form.js';

const paperlessColumns = ['faucet_no', 'paper_slip', 'effective_on', 'requested_at'] as const;

interface HandedOverChange {
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
    tokyoTimestamp(change.requestedAt)
  ]);
  return stringify(records, { header: true, columns: [...paperlessColumns], record_delimiter: 'windows' });
}

/**
 * Hands the billing system every paper-slip change not handed over yet whose effective date
 * has come or comes on the next business day: the file must reach the billing system before
 * the day the change takes effect, and a change whose day passed without an export (a missed
 * run) goes out with the next one rather than never. Later changes wait for a later file.
 *
 * The rows are marked exported and `deliver` writes the file inside one transaction, so a
 * failed write leaves them pending for the next run. Marking is an UPDATE … WHERE exported_at
 * IS NULL: a second export running at the same moment waits for this one's row locks, then
 * finds those rows already marked, so no change is ever in two files.
 */
export async function exportPaperSlipChanges(
  { db, now }: JobDeps,
  options: { calendar: BusinessCalendar; deliver: (csv: string) => Promise<void> }
): Promise<PaperlessExportResult> {
  const effectiveUntil = options.calendar.nextBusinessDay(tokyoDate(now));
  const rows = await db.transaction(async (tx) => {
    const changes = await tx
      .update(paperSlipChanges)
      .set({ exportedAt: now })
      .from(faucets)
      .where(
        and(
          eq(faucets.id, paperSlipChanges.faucetId),
          isNull(paperSlipChanges.exportedAt),
          lte(paperSlipChanges.effectiveOn, effectiveUntil)
        )
      )
      .returning({
        id: paperSlipChanges.id,
        faucetNo: faucets.faucetNo,
        paperless: paperSlipChanges.paperless,
        effectiveOn: paperSlipChanges.effectiveOn,
        requestedAt: paperSlipChanges.requestedAt
      });
    await options.deliver(toCsv(changes.sort(byRequestOrder)));
    return changes.length;
  });
  return { rows, effectiveUntil };
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
  'approved_at'
] as const;

const handedOverKinds = ['holder-change', 'billing-address'] as const;

interface ApprovedChange {
  id: number;
  receiptNo: string;
  faucetNo: string;
  content: ProcedureContent;
  approvedAt: Date;
  effectiveOn: string;
}

function changeRecord(change: ApprovedChange): (string | null)[] {
  const { content } = change;
  const common = [change.receiptNo, change.faucetNo];
  const approvedAt = tokyoTimestamp(change.approvedAt);
  if (content.kind === 'holder-change') {
    return [...common, 'holder', change.effectiveOn, content.newHolderName, content.newHolderKana, content.phone, null, null, null, null, approvedAt];
  }
  if (content.kind === 'billing-address') {
    return [...common, 'billing_address', change.effectiveOn, null, null, null, content.name, content.postalCode, content.address, content.phone, approvedAt];
  }
  throw new Error(`procedure ${change.receiptNo} is not a change the billing system takes`);
}

export interface ChangesExportResult {
  rows: number;
  effectiveUntil: string;
}

/**
 * Hands the billing system the holder and billing-address changes staff finished (完了) and
 * not handed over yet, under the paperless file's rule: those effective by the next business
 * day (see changeEffectiveOn), later ones in a later file, each in exactly one file. The
 * candidates are read and then marked with UPDATE … WHERE exported_at IS NULL in the same
 * transaction as the file is written: a second export at the same moment waits for the row
 * locks and finds them marked, so it writes none of them.
 */
export async function exportApprovedChanges(
  { db, now }: JobDeps,
  options: { calendar: BusinessCalendar; deliver: (csv: string) => Promise<void> }
): Promise<ChangesExportResult> {
  const effectiveUntil = options.calendar.nextBusinessDay(tokyoDate(now));
  const rows = await db.transaction(async (tx) => {
    const approvedAt = sql<Date>`max(${procedureEvents.at})`.mapWith((value: string | Date) => new Date(value));
    const candidates = await tx
      .select({ id: procedures.id, receiptNo: procedures.receiptNo, faucetNo: faucets.faucetNo, content: procedures.content, approvedAt })
      .from(procedures)
      .innerJoin(faucets, eq(faucets.id, procedures.faucetId))
      .innerJoin(procedureEvents, and(eq(procedureEvents.procedureId, procedures.id), eq(procedureEvents.status, 'done')))
      .where(and(eq(procedures.status, 'done'), isNull(procedures.exportedAt), inArray(procedures.kind, [...handedOverKinds])))
      .groupBy(procedures.id, faucets.faucetNo);
    const due = candidates
      .map((candidate): ApprovedChange => {
        const content = candidate.content as ProcedureContent;
        const askedFor = content.kind === 'holder-change' ? content.effectiveDate : null;
        return { ...candidate, content, effectiveOn: changeEffectiveOn(options.calendar, tokyoDate(candidate.approvedAt), askedFor) };
      })
      .filter((change) => change.effectiveOn <= effectiveUntil);
    const marked =
      due.length === 0
        ? []
        : await tx
            .update(procedures)
            .set({ exportedAt: now })
            .where(and(inArray(procedures.id, due.map((change) => change.id)), isNull(procedures.exportedAt)))
            .returning({ id: procedures.id });
    const ours = new Set(marked.map((row) => row.id));
    const handedOver = due.filter((change) => ours.has(change.id)).sort((a, b) => a.approvedAt.getTime() - b.approvedAt.getTime() || a.id - b.id);
    await options.deliver(stringify(handedOver.map(changeRecord), { header: true, columns: [...changeColumns], record_delimiter: 'windows' }));
    return handedOver.length;
  });
  return { rows, effectiveUntil };
}
