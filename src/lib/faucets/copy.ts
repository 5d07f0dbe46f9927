import { holdsPull, localDb } from '$lib/local/db';

/** The faucets the device holds and those with a new name still waiting in the outbox, read together. */
export function faucetsCopy() {
  return localDb.transaction('r', [localDb.faucets, localDb.outbox, localDb.meta], async () => ({
    faucets: await localDb.faucets.orderBy('linkId').toArray(),
    waiting: new Set((await localDb.outbox.toArray()).flatMap(({ change }) => (change.kind === 'faucet-label' ? [change.linkId] : []))),
    synced: await holdsPull()
  }));
}
