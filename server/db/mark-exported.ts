import { and, inArray, isNull } from 'drizzle-orm';
import type { Database } from './client.js';
import { inUtility } from './in-utility.js';
import type { paperSlipChanges, procedures } from './schema.js';

/**
 * Marks the due changes exported, in the transaction that writes the file, with UPDATE … WHERE
 * exported_at IS NULL: a second export at the same moment waits for the row locks and finds
 * them marked, so no change is ever in two files. Answers the ids this run marked.
 */
export async function markExported(tx: Database, table: typeof paperSlipChanges | typeof procedures, ids: number[], now: Date): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const marked = await tx
    .update(table)
    .set({ exportedAt: now })
    .where(and(inUtility(tx, table), inArray(table.id, ids), isNull(table.exportedAt)))
    .returning({ id: table.id });
  return new Set(marked.map((row) => row.id));
}
