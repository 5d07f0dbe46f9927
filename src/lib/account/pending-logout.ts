import { api } from '$lib/api';

/**
 * A log-out the server has not heard of yet. Log-out wipes the device at once, network or
 * not, but the session lives on the server until the log-out reaches it: until then the
 * cookie still opens it, so nothing may sync and "who is signed in" must not be asked.
 * Kept in localStorage, as log-out deletes the IndexedDB database, and so it outlives a
 * reload, a closed tab and other tabs of the app.
 */
const PENDING_KEY = 'josuido-portal.logOutPending';

export function logOutPending(): boolean {
  return localStorage.getItem(PENDING_KEY) !== null;
}

let sending: Promise<boolean> | undefined;

/**
 * Sends a pending log-out (one request at a time, whoever asks) and forgets it once the server
 * has answered. True when no log-out is pending any more.
 */
export function logOutSettled(): Promise<boolean> {
  if (!logOutPending()) return Promise.resolve(true);
  sending ??= api.auth.logout
    .mutate()
    .then(
      () => {
        localStorage.removeItem(PENDING_KEY);
        return true;
      },
      () => false
    )
    .finally(() => {
      sending = undefined;
    });
  return sending;
}

/**
 * Remembered before it is sent, so a tab closed or a network lost on the way still sends it
 * later. `first` runs in between, while the session still lets it (it must not throw).
 */
export async function sendLogOut(first: () => Promise<void>): Promise<boolean> {
  localStorage.setItem(PENDING_KEY, '1');
  await first();
  return logOutSettled();
}

/** A new session replaced the cookie the pending log-out was for. */
export function forgetPendingLogOut(): void {
  localStorage.removeItem(PENDING_KEY);
}
