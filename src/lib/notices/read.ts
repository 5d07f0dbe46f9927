import type { LocalNotice } from '$lib/local/db';
import { makeChange } from '$lib/sync/change';

/** Opening a notice reads it: on the device at once (the counts drop, also offline), on the server through the outbox. */
export async function readNotice(notice: LocalNotice): Promise<void> {
  if (notice.readAt === null) await makeChange({ kind: 'notice-read', noticeId: notice.id });
}
