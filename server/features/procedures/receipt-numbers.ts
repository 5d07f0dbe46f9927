import { sql } from 'drizzle-orm';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import type { Database } from '../../db/client.js';
import { receiptCounters } from '../../db/schema.js';

/**
 * The next receipt number of the year (Asia/Tokyo), R-2026-000123. The counter row is raised
 * in the filing's transaction and stays locked until it ends: filings take numbers one after
 * another, and a filing rolled back gives its number back, so there are neither gaps nor twins.
 */
export async function nextReceiptNo(tx: Database, now: Date): Promise<string> {
  const year = Number(tokyoDate(now).slice(0, 4));
  const [counter] = await tx
    .insert(receiptCounters)
    .values({ year, last: 1 })
    .onConflictDoUpdate({ target: [receiptCounters.utilityId, receiptCounters.year], set: { last: sql`${receiptCounters.last} + 1` } })
    .returning({ last: receiptCounters.last });
  return `R-${year}-${String(counter!.last).padStart(6, '0')}`;
}
