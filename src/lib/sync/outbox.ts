import { TRPCClientError } from '@trpc/client';
import type { Table } from 'dexie';
import { refusalOf } from '$lib/forms/refusal';
import { faucetLabelHandler } from '$lib/faucets/outbox';
import { localDb, type Change, type OutboxRow } from '$lib/local/db';
import { forgetHomeSnapshot } from '$lib/local/home-snapshot';
import { noticeReadHandler } from '$lib/notices/outbox';
import { procedureFilingHandler } from '$lib/procedures/outbox';
import type { Localized } from '$lib/shared/localized';

/** A faucet link the device may hold wrongly after a send, to be pulled afresh; null for none. */
export type StaleLink = number | null;

/** What a feature does with its kind of change; only `send` is required. */
export interface OutboxHandler<C extends Change> {
  /** The tables `apply` and `refused` write, for the transactions they run in. */
  writes?(): Table[];
  /**
   * Writes the change onto the device's copy: when it is made, and again after every pull, so a
   * page never shows the server's older value while the newer one waits to be sent.
   */
  apply?(change: C): Promise<void>;
  /** Sends it, with the outbox id as the server's idempotency key: a resend after a lost answer changes nothing. */
  send(change: C, id: string): Promise<StaleLink>;
  /** What the device keeps of a change the server refused for good; runs as its outbox row goes. */
  refused?(row: OutboxRow<C>, reason: Localized): Promise<StaleLink>;
}

/** Each kind of change, with the handler its feature registers for it. */
const handlers: { [K in Change['kind']]: OutboxHandler<Extract<Change, { kind: K }>> } = {
  'faucet-label': faucetLabelHandler,
  'notice-read': noticeReadHandler,
  'procedure-file': procedureFilingHandler
};

function handlerOf<C extends Change>(change: C): OutboxHandler<C> {
  // The map pairs each kind with its own handler, which TypeScript cannot follow through a union.
  return handlers[change.kind] as unknown as OutboxHandler<C>;
}

/** Writes a change onto the device's copy; run again over every waiting change after a pull. */
export async function applyLocally(change: Change): Promise<void> {
  await handlerOf(change).apply?.(change);
}

/**
 * The local change and its outbox row, in one transaction: the device never holds one without
 * the other. Home's snapshot goes in it too: it shows the copy as it was. Returns the outbox id, which is also the change's id on the server.
 */
export async function queueChange(change: Change): Promise<string> {
  const id = crypto.randomUUID();
  await localDb.transaction('rw', [localDb.outbox, localDb.meta, ...(handlerOf(change).writes?.() ?? [])], async () => {
    await applyLocally(change);
    await forgetHomeSnapshot();
    await localDb.outbox.add({ id, change, queuedAt: Date.now() });
  });
  return id;
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
    const handler = handlerOf(row.change);
    let refusal: Localized | null = null;
    try {
      const wrong = await handler.send(row.change, row.id);
      if (wrong !== null) stale.push(wrong);
    } catch (error) {
      if (!refused(error)) throw error;
      refusal = refusalOf(error).reason;
    }
    const wrong = await localDb.transaction('rw', [localDb.outbox, ...(handler.writes?.() ?? [])], async () => {
      const kept = refusal === null ? null : ((await handler.refused?.(row, refusal)) ?? null);
      await localDb.outbox.delete(row.seq!);
      return kept;
    });
    if (wrong !== null) stale.push(wrong);
  }
}
