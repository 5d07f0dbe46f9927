import { TRPCClientError } from '@trpc/client';
import { api } from '$lib/api';
import { localDb, type Change, type OutboxRow } from '$lib/local/db';

/**
 * Writes a change onto the device's copy. Also run over every waiting change after a pull has
 * replaced the faucets, so a page never shows the server's older value while the newer one
 * waits to be sent.
 */
export async function applyLocally(change: Change): Promise<void> {
  await localDb.faucets.update(change.linkId, { label: change.label });
}

/** The local change and its outbox row, in one transaction: the device never holds one without the other. */
export async function queueChange(change: Change): Promise<void> {
  await localDb.transaction('rw', [localDb.faucets, localDb.outbox], async () => {
    await applyLocally(change);
    await localDb.outbox.add({ id: crypto.randomUUID(), change, queuedAt: Date.now() });
  });
}

function send({ id, change }: OutboxRow): Promise<unknown> {
  return api.faucets.label.mutate({ linkId: change.linkId, label: change.label ?? '', clientId: id });
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
 * stays and goes again, with the same id, at the next sync. Returns the faucet links whose
 * change the server refused: the device's copy of them is wrong and must be pulled anew.
 */
export async function sendOutbox(): Promise<number[]> {
  const stale: number[] = [];
  for (;;) {
    const row = await localDb.outbox.orderBy('seq').first();
    if (!row) return stale;
    try {
      await send(row);
    } catch (error) {
      if (!refused(error)) throw error;
      stale.push(row.change.linkId);
    }
    await localDb.outbox.delete(row.seq!);
  }
}
