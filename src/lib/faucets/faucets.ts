import { api } from '$lib/api';
import { localDb } from '$lib/local/db';
import { faucetLabel } from '$lib/shared/faucet-label';
import { makeChange } from '$lib/sync/change';
import { syncNow } from '$lib/sync/scheduler.svelte';

/**
 * Adding and removing need the server at once (a proof, the paper slip), so they are calls, not
 * outbox changes; each syncs straight after, so Home and History show the change without a
 * reload. A new name is a change like any other: it holds offline.
 */
export const faucets = {
  /** Returns the added faucet's number as the server wrote it, once the device holds it. */
  async add(input: { faucetNo: string; phone: string; label: string; consent: boolean }): Promise<string | undefined> {
    const before = new Set(await localDb.faucets.toCollection().primaryKeys());
    await api.faucets.add.mutate({ ...input, label: input.label.trim() === '' ? null : input.label });
    await syncNow();
    return (await localDb.faucets.toArray()).find((faucet) => !before.has(faucet.linkId))?.faucetNo;
  },
  // The field's maxlength keeps a name within the limit; one longer still goes as typed, for the server to refuse.
  label: (linkId: number, label: string) => makeChange({ kind: 'faucet-label', linkId, label: faucetLabel(label) ?? label }),
  async remove(linkId: number): Promise<void> {
    await api.faucets.remove.mutate({ linkId });
    await syncNow();
  }
};
