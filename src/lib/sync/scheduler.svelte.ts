import { TRPCClientError } from '@trpc/client';
import { logOutSettled } from '$lib/account/pending-logout';
import { holdsDatabase } from '$lib/local/lazy';
import { pullProfile } from './profile';
import { oneAtATime } from './one-at-a-time';

export type SyncState = 'idle' | 'running' | 'failed';

let state = $state<SyncState>('idle');

export const sync = {
  get state(): SyncState {
    return state;
  }
};

const signedOut = (error: unknown) =>
  error instanceof TRPCClientError && (error.data as { code?: string } | undefined)?.code === 'UNAUTHORIZED';

/**
 * The utility profile for everyone, and the billing data of whoever is signed in. A log-out
 * the server has not heard of goes first: until it has, the cookie still opens the session
 * that was left, and a pull would bring its customer's data back onto the device.
 */
async function syncOnce(): Promise<void> {
  state = 'running';
  try {
    const loggedOut = await logOutSettled();
    await pullProfile();
    // Billing data only where someone signed in (Dexie is loaded then) or left a copy: a fresh
    // device on the log-in page syncs the profile alone and never loads Dexie or this code.
    if (loggedOut && (await holdsDatabase())) {
      const { sendAndPull } = await import('./billing');
      await sendAndPull().catch((error: unknown) => {
        if (!signedOut(error)) throw error;
      });
    }
    state = loggedOut ? 'idle' : 'failed';
  } catch {
    state = 'failed';
  }
}

/**
 * Two pulls at once could store an older answer over a newer one (a faucet just unlinked
 * showing again until the next pull), and a phone waking up fires `online` and `focus`
 * together: syncs run one after another, and a wake-up during one brings one more.
 */
export const syncNow = oneAtATime(syncOnce);

/** While the app is open it also syncs this often, so a page left open stays current. */
const SYNC_EVERY_MS = 15 * 60_000;

/**
 * Syncs at start, every 15 minutes, whenever the device comes back online or the app regains
 * focus, and when the service worker passes on a push message.
 */
export function startSync(): () => void {
  const onWake = () => void syncNow();
  const onWorkerMessage = (event: MessageEvent) => {
    if ((event.data as { type?: string } | null)?.type === 'SYNC') onWake();
  };
  window.addEventListener('online', onWake);
  window.addEventListener('focus', onWake);
  navigator.serviceWorker?.addEventListener('message', onWorkerMessage);
  const timer = setInterval(onWake, SYNC_EVERY_MS);
  void syncNow();
  return () => {
    window.removeEventListener('online', onWake);
    window.removeEventListener('focus', onWake);
    navigator.serviceWorker?.removeEventListener('message', onWorkerMessage);
    clearInterval(timer);
  };
}
