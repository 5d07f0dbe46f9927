import type { Change } from '$lib/local/db';
import { queueChange } from './outbox';
import { syncNow } from './scheduler.svelte';

/**
 * Every change the customer makes on the device goes through here: onto the device's copy and
 * into the outbox at once (so it holds offline and pages show it), then a sync sends it.
 * Returns the change's outbox id.
 */
export async function makeChange(change: Change): Promise<string> {
  const id = await queueChange(change);
  void syncNow();
  return id;
}
