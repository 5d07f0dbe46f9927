import { api } from '$lib/api';
import { localDb, type ProcedureFiling } from '$lib/local/db';
import type { OutboxHandler } from '$lib/sync/outbox';

/**
 * A procedure filed on the device. While it waits it is shown from the outbox itself (「送信待ち」),
 * so it writes nothing onto the copy; refused, it stays to tell the customer why.
 */
export const procedureFilingHandler: OutboxHandler<ProcedureFiling> = {
  writes: () => [localDb.refusedFilings],
  async send({ linkId, content, fields }, id) {
    if (content.kind === 'move-in') throw new Error('a move-in is filed from its own page with a confirmed e-mail, never from the member outbox');
    // The outbox id is the filing's client id: a resend after a lost answer gets the same receipt.
    await api.procedures.file.mutate({ clientId: id, linkId, kind: content.kind, fields });
    return null;
  },
  async refused({ id, change }, reason) {
    await localDb.refusedFilings.put({ id, change, reason, refusedAt: Date.now() });
    return null;
  }
};
