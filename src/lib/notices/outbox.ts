import { api } from '$lib/api';
import { localDb, type ChangeOf } from '$lib/local/db';
import type { OutboxHandler } from '$lib/sync/outbox';

/**
 * A notice read on this device: read on its copy at once (the counts drop, also offline), then
 * on the server. A notice read twice is read all the same, and one the server refuses is not the
 * customer's any more: nothing on the device to fix.
 */
export const noticeReadHandler: OutboxHandler<ChangeOf<'notice-read'>> = {
  writes: () => [localDb.notices],
  async apply({ noticeId }) {
    await localDb.notices
      .where('id')
      .equals(noticeId)
      .modify((notice) => {
        notice.readAt ??= new Date().toISOString();
      });
  },
  async send({ noticeId }, id) {
    await api.noticeReads.mark.mutate({ noticeId, clientId: id });
    return null;
  }
};
