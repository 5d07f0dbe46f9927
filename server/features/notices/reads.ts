import { and, desc, eq, gte, isNull, lt, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { NoticeFacts } from '../../../src/lib/shared/notices.js';
import type { SyncedNotice } from '../../../src/lib/shared/sync-wire.js';
import { firstSendOf } from '../sync/client-changes.js';
import { preparedPerDatabase, type Database } from '../../db/client.js';
import { inUtility } from '../../db/in-utility.js';
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
    const mine = and(inUtility(tx, notices), eq(notices.id, noticeId), eq(notices.customerId, customerId));
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

/** What a customer's device, or staff looking at the account, see of a notice. */
const shownColumns = { id: notices.id, topic: notices.topic, facts: notices.facts, createdAt: notices.createdAt, readAt: notices.readAt };

/** How far back a device's first pull reaches for notices: the same two years as the billing history. */
const NOTICE_HISTORY_MS = 2 * 366 * 24 * 3600_000;

/** A customer's notices below the horizon and `since` (values, or placeholders for a prepared statement), newest first. */
function noticesBelow(db: Database, customerId: number | Placeholder, horizon: number | Placeholder, since: SQL | undefined) {
  return db
    .select(shownColumns)
    .from(notices)
    .where(and(inUtility(db, notices), eq(notices.customerId, customerId), lt(notices.version, horizon), since))
    .orderBy(desc(notices.createdAt), desc(notices.id));
}

/** The notices made or changed since the cursor, as every pull that found news reads them (on bill day, every device's next pull): built and planned once per database. */
const preparedNoticesSince = preparedPerDatabase((db) =>
  noticesBelow(db, sql.placeholder('customerId'), sql.placeholder('horizon'), gte(notices.version, sql.placeholder('cursor'))).prepare('sync_notices_since')
);

/**
 * The customer's notices below the horizon: those made or read since the cursor, or on a first
 * pull every one of the last two years. Newest first, so the device can show them as they come.
 */
export async function noticesSince(db: Database, customerId: number, cursor: number | null, horizon: number, now: Date): Promise<SyncedNotice[]> {
  const rows =
    cursor === null
      ? await noticesBelow(db, customerId, horizon, gte(notices.createdAt, new Date(now.getTime() - NOTICE_HISTORY_MS)))
      : await preparedNoticesSince(db).execute({ customerId, horizon, cursor });
  return rows.map((row) => ({ ...row, facts: row.facts as NoticeFacts, createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null }));
}

/** The customer's latest notices, newest first, as staff see them on the account. */
export function latestNotices(db: Database, customerId: number, limit: number) {
  return db.select(shownColumns).from(notices).where(and(inUtility(db, notices), eq(notices.customerId, customerId))).orderBy(desc(notices.createdAt), desc(notices.id)).limit(limit);
}
