import { TRPCClientError } from '@trpc/client';
import { refusalOf } from '$lib/account/refusal';
import { api } from '$lib/api';
import { localDb, type Change, type OutboxRow, type RefusedFiling } from '$lib/local/db';

/**
 * Writes a change onto the device's copy. Also run over every waiting change after a pull has
 * replaced the faucets, so a page never shows the server's older value while the newer one
 * waits to be sent.
 */
export async function applyLocally(change: Change): Promise<void> {
  if (change.kind === 'faucet-label') {
    await localDb.faucets.update(change.linkId, { label: change.label });
    return;
  }
  // A filing waiting to be sent is shown from the outbox itself (「送信待ち」).
  if (change.kind === 'procedure-file') return;
  await localDb.notices
    .where('id')
    .equals(change.noticeId)
    .modify((notice) => {
      notice.readAt ??= new Date().toISOString();
    });
}

/**
 * The local change and its outbox row, in one transaction: the device never holds one without
 * the other. Returns the outbox id, which is also the change's id on the server.
 */
export async function queueChange(change: Change): Promise<string> {
  const id = crypto.randomUUID();
  await localDb.transaction('rw', [localDb.faucets, localDb.notices, localDb.outbox], async () => {
    await applyLocally(change);
    await localDb.outbox.add({ id, change, queuedAt: Date.now() });
  });
  return id;
}

/**
 * Sends one change; returns the faucet link the device may now hold wrongly: a label the server
 * had already (an answer was lost) and left as it was. A notice read twice is read all the same.
 */
async function send({ id, change }: OutboxRow): Promise<number | null> {
  if (change.kind === 'notice-read') {
    await api.noticeReads.mark.mutate({ noticeId: change.noticeId, clientId: id });
    return null;
  }
  if (change.kind === 'procedure-file') {
    // The outbox id is the filing's client id: a resend after a lost answer gets the same receipt.
    await api.procedures.file.mutate({ clientId: id, linkId: change.linkId, kind: change.content.kind, fields: change.fields });
    return null;
  }
  const { repeated } = await api.faucets.label.mutate({ linkId: change.linkId, label: change.label ?? '', clientId: id });
  return repeated ? change.linkId : null;
}

/**
 * The server answered and will answer every resend the same (the faucet was removed on
 * another device, say). A lost answer, a 5xx, an ended session or a rate limit is not one.
 */
function refused(error: unknown): boolean {
  if (!(error instanceof TRPCClientError)) return false;
  const data = error.data as { code?: string; httpStatus?: number } | undefined;
  const status = data?.httpStatus ?? 0;
  return status >= 400 && status < 500 && data?.code !== 'UNAUTHORIZED' && data?.code !== 'TOO_MANY_REQUESTS';
}

/**
 * Sends the waiting changes in the order they were made, one at a time, each removed only
 * once the server has answered it. A send that got no answer stops here and throws: the row
 * stays and goes again, with the same id, at the next sync. Returns the faucet links the
 * device may now hold wrongly, to be pulled anew: a change the server refused, or one it had
 * already (the device kept showing it over whatever the server got since, and no version
 * moved to bring that back).
 */
export async function sendOutbox(): Promise<number[]> {
  const stale: number[] = [];
  for (;;) {
    const row = await localDb.outbox.orderBy('seq').first();
    if (!row) return stale;
    let refusal: RefusedFiling | undefined;
    try {
      const wrong = await send(row);
      if (wrong !== null) stale.push(wrong);
    } catch (error) {
      if (!refused(error)) throw error;
      // A notice the server refuses is not the customer's any more: nothing on the device to fix.
      if (row.change.kind === 'faucet-label') stale.push(row.change.linkId);
      if (row.change.kind === 'procedure-file') refusal = { id: row.id, change: row.change, reason: refusalOf(error).reason, refusedAt: Date.now() };
    }
    await localDb.transaction('rw', [localDb.outbox, localDb.refusedFilings], async () => {
      if (refusal) await localDb.refusedFilings.put(refusal);
      await localDb.outbox.delete(row.seq!);
    });
  }
}
