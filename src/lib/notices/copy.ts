import { holdsPull, localDb } from '$lib/local/db';

/** The customer's notices, newest first. */
export function noticesCopy() {
  return localDb.transaction('r', [localDb.notices, localDb.meta], async () => ({
    notices: await localDb.notices.orderBy('createdAt').reverse().toArray(),
    synced: await holdsPull()
  }));
}

/** How many notices the customer has not read yet, on this device's copy. */
export function unreadNoticeCount() {
  return localDb.notices.filter((notice) => notice.readAt === null).count();
}
