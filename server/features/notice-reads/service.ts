import { and, eq, isNull, sql } from 'drizzle-orm';
import { firstSendOf } from '../../client-changes.js';
import { CURRENT_TRANSACTION_VERSION, notices } from '../../db/schema.js';
import { RefusalError } from '../../errors.js';
import type { ServiceDeps } from '../../service-deps.js';

const notYours = new RefusalError('not-found', { ja: 'そのお知らせはありません', en: 'No such notice on your account' });

/**
 * Marks one of the caller's notices read, once per client id, as the device's outbox sends it
 * (possibly again after a lost answer): the id is recorded in the same transaction, so a repeat
 * changes nothing. A notice already read keeps its first read time and version: other devices
 * have nothing new to pull. Says whether it was such a repeat.
 */
export async function markNoticeRead(
  deps: ServiceDeps,
  input: { customerId: number; noticeId: number; clientId: string }
): Promise<{ repeated: boolean }> {
  const { customerId, noticeId, clientId } = input;
  return deps.db.transaction(async (tx) => {
    if (!(await firstSendOf(tx, { customerId, clientId }, deps.now))) return { repeated: true };
    const mine = and(eq(notices.id, noticeId), eq(notices.customerId, customerId));
    const updated = await tx
      .update(notices)
      .set({ readAt: deps.now, version: sql.raw(CURRENT_TRANSACTION_VERSION) })
      .where(and(mine, isNull(notices.readAt)))
      .returning({ id: notices.id });
    if (updated.length === 0) {
      const [exists] = await tx.select({ id: notices.id }).from(notices).where(mine);
      if (!exists) throw notYours;
    }
    return { repeated: false };
  });
}
