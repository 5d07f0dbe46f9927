import { stringify } from 'csv-stringify/sync';
import { and, eq, isNull, lte } from 'drizzle-orm';
import type { JobDeps } from '../../service-deps.js';
import { faucets, paperSlipChanges } from '../../db/schema.js';
import { tokyoDate, tokyoTimestamp } from '../../../src/lib/shared/tokyo-time.js';
import type { BusinessCalendar } from '../../domain/calendar.js';

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
