import { clientChanges } from '../../db/schema.js';
import type { Database } from '../../db/client.js';

/**
 * Records a change sent by a device's outbox under the id the device gave it; false when it
 * was recorded before (the send is a repeat after a lost answer). Run it in the transaction
 * that makes the change: a change refused or rolled back leaves its id unrecorded.
 */
export async function firstSendOf(tx: Database, change: { customerId: number; clientId: string }, now: Date): Promise<boolean> {
  const fresh = await tx
    .insert(clientChanges)
    .values({ ...change, receivedAt: now })
    .onConflictDoNothing()
    .returning({ clientId: clientChanges.clientId });
  return fresh.length > 0;
}
