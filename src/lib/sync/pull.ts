import { api } from '$lib/api';
import { localDb, syncMeta, type SyncMeta } from '$lib/local/db';
import { forgetHomeSnapshot } from '$lib/local/home-snapshot';
import { SYNC_FORMAT, type PullResponse } from '$lib/shared/sync-wire';
import { applyLocally } from './outbox';
import { billFrom, insideWindows, paymentFrom, readingFrom } from './rows';

/** Bumped when the device is wiped: a pull that started before must not write after. */
let generation = 0;

export function abandonPulls(): void {
  generation += 1;
}

const dataTables = () => [localDb.faucets, localDb.readings, localDb.bills, localDb.payments, localDb.notices, localDb.procedures, localDb.meta];

async function dropCopy(): Promise<void> {
  await localDb.transaction('rw', dataTables(), async () => {
    for (const table of dataTables()) await table.clear();
  });
}

/** Drops the device's billing data and its unsent changes: whoever signed out leaves nothing behind. */
export async function forgetSyncedData(): Promise<void> {
  await localDb.transaction('rw', [...dataTables(), localDb.outbox], async () => {
    await dropCopy();
    await localDb.outbox.clear();
  });
}

/** Writes one pull's answer in one transaction: a page never sees half of it. */
async function store(response: PullResponse, startedIn: number): Promise<void> {
  if (startedIn !== generation) return;
  await localDb.transaction('rw', [...dataTables(), localDb.outbox], async () => {
    if (response.faucets) {
      await localDb.faucets.clear();
      await localDb.faucets.bulkPut(response.faucets);
    }
    if (response.readings) await localDb.readings.bulkPut(response.readings.map(readingFrom));
    if (response.bills) await localDb.bills.bulkPut(response.bills.map(billFrom));
    if (response.payments) await localDb.payments.bulkPut(response.payments.map(paymentFrom));
    if (response.notices) await localDb.notices.bulkPut(response.notices);
    if (response.procedures) await localDb.procedures.bulkPut(response.procedures);
    // What the customer changed here and the server has not got yet stays on the copy over the server's older value.
    if (response.faucets || response.notices) for (const row of await localDb.outbox.toArray()) await applyLocally(row.change);
    if (response.faucets) {
      // A faucet unlinked or a window that closed (holder change): its rows leave the device.
      const keep = insideWindows(response.faucets);
      for (const table of [localDb.readings, localDb.bills, localDb.payments]) {
        await table.filter((row) => !keep(row)).delete();
      }
    }
    const { faucets, readings, bills, payments, notices, procedures } = response;
    if ([faucets, readings, bills, payments, notices, procedures].some(Boolean)) await forgetHomeSnapshot();
    const pulled: SyncMeta = { key: 'sync', format: SYNC_FORMAT, cursor: response.cursor, pulledAt: Date.now() };
    await localDb.meta.put(pulled);
  });
}

/**
 * Drops the device's copy and pulls everything again. Pulling with cursor null over the old
 * copy would not do: the server sends what it has, never what it no longer has. Changes not
 * yet sent stay: they are the customer's, not the copy's.
 */
async function startOver(startedIn: number): Promise<void> {
  await dropCopy();
  await store(await api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }), startedIn);
}

/**
 * Brings the device's copy up to date with one request (two when the server answers `reset`).
 * `stale`: links the device holds wrongly (a change the server refused): left out of the
 * links it says it knows, so the server sends them, and the whole list, afresh.
 */
export async function pullBillingData(stale: number[] = []): Promise<void> {
  const startedIn = generation;
  const meta = await syncMeta();
  if (meta !== undefined && meta.format !== SYNC_FORMAT) return startOver(startedIn);
  const knownLinks = (await localDb.faucets.toArray()).map((faucet) => faucet.linkId).filter((linkId) => !stale.includes(linkId));
  const response = await api.sync.pull.query({ format: SYNC_FORMAT, cursor: meta?.cursor ?? null, knownLinks });
  if (response.reset) return startOver(startedIn);
  await store(response, startedIn);
}
