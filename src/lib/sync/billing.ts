import { sendOutbox } from './outbox';
import { pullBillingData } from './pull';

/**
 * The customer's waiting changes go first, so the pull after them brings their effects. The
 * pull runs even when a send got no answer: it leaves the waiting changes on the device's copy.
 */
export async function sendAndPull(): Promise<void> {
  let unsent: unknown = null;
  const stale = await sendOutbox().catch((error: unknown) => {
    unsent = error;
    return [];
  });
  await pullBillingData(stale);
  if (unsent !== null) throw unsent;
}
