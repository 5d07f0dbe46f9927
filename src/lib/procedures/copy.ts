import { holdsPull, localDb } from '$lib/local/db';

/**
 * The customer's procedures, newest first; the filings still waiting in the outbox (「送信待ち」),
 * oldest first; and those the server refused, newest first.
 */
export function proceduresCopy() {
  return localDb.transaction('r', [localDb.procedures, localDb.outbox, localDb.refusedFilings, localDb.faucets, localDb.meta], async () => {
    const filed = await localDb.procedures.orderBy('filedAt').reverse().toArray();
    const onServer = new Set(filed.map((procedure) => procedure.clientId));
    const waiting = (await localDb.outbox.orderBy('seq').toArray()).flatMap((row) =>
      row.change.kind === 'procedure-file' && !onServer.has(row.id) ? [{ clientId: row.id, queuedAt: row.queuedAt, change: row.change }] : []
    );
    return {
      filed,
      waiting,
      refused: await localDb.refusedFilings.orderBy('refusedAt').reverse().toArray(),
      faucets: await localDb.faucets.toArray(),
      synced: await holdsPull()
    };
  });
}

/** The customer has read why a filing was refused. */
export async function clearRefusedFiling(id: string): Promise<void> {
  await localDb.refusedFilings.delete(id);
}
