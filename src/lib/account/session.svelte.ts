import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { page } from '$app/state';
import { api } from '$lib/api';
import { device, holdsDatabase } from '$lib/local/lazy';
import { unwatchDevice } from '$lib/local/presence.svelte';
import { forgetPushOnDevice, forgetPushOnServer } from '$lib/notices/push';
import { syncNow } from '$lib/sync/scheduler.svelte';
import type { MemberPage } from './next-page';
import { forgetPendingLogOut, logOutSettled, sendLogOut } from './pending-logout';

export interface Me {
  email: string;
  nickname: string;
}

/** What the log-in page says after the customer left: logged out, withdrew, or cleared the device from help. */
export type Farewell = 'loggedOut' | 'loggedOutOffline' | 'withdrawn' | 'deviceCleared';

let me = $state<Me | null>(null);
/** False until the server has answered once: then `me` is the truth (null: signed out). */
let known = $state(false);
let unreachable = $state(false);
let farewell = $state<Farewell | null>(null);

/** Who is signed in on this device, as the server last said. */
export const session = {
  get me(): Me | null {
    return me;
  },
  get known(): boolean {
    return known;
  },
  get unreachable(): boolean {
    return unreachable;
  },
  get farewell(): Farewell | null {
    return farewell;
  }
};

/** Signed out without logging out (expired, ended elsewhere): the billing data and the push subscription leave the device too. */
function forgetSignedOutData(): void {
  // A device with no copy has nothing to forget: the log-in page does not load Dexie for it.
  void holdsDatabase().then(async (holds) => {
    if (!holds) return;
    const { abandonPulls, forgetSyncedData } = await import('$lib/sync/pull');
    abandonPulls();
    await forgetSyncedData();
  });
  void forgetPushOnDevice().catch(() => {});
}

export async function refreshSession(): Promise<void> {
  // Until the server has heard of a log-out, its "signed in" is the session that was left.
  if (!(await logOutSettled())) {
    sessionEnded();
    return;
  }
  try {
    me = await api.auth.me.query();
    known = true;
    unreachable = false;
    if (me === null) forgetSignedOutData();
  } catch {
    unreachable = true;
  }
}

/**
 * Whether a page shows the device's billing copy: when signed in, or when the server cannot be
 * asked (offline) and there is a copy — it is wiped whenever someone leaves.
 */
export function showsDeviceCopy(synced: boolean): boolean {
  return me !== null || (!known && synced);
}

/** The server said the session has ended (expired, or ended by a password change elsewhere). */
export function sessionEnded(): void {
  me = null;
  known = true;
  forgetSignedOutData();
}

export function clearFarewell(): void {
  farewell = null;
}

/**
 * Log-in, sign-up and reset: a log-out still pending is sent first (its answer clears the
 * session cookie, which must not be the new one), then the new session, who is signed in
 * and their billing data onto the device.
 */
export async function signIn(newSession: () => Promise<unknown>): Promise<void> {
  await logOutSettled();
  await newSession();
  forgetPendingLogOut();
  farewell = null;
  // The database is there before the app moves on to a member's page, so none of them is ever
  // answered with the visitor's page. Made beside the session check: Home's bills need Dexie anyway.
  await Promise.all([refreshSession(), device()]);
  // Asks the browser not to evict the customer's copy under storage pressure (offline history).
  void navigator.storage?.persist?.();
  // The customer's first pull.
  void syncNow();
}

export function logIn(email: string, password: string): Promise<void> {
  return signIn(() => api.auth.login.mutate({ email, password }));
}

/**
 * Phones and PCs are shared: nothing personal may stay on the device once its user leaves.
 * The IndexedDB database goes whole, the push subscription and the icon's unread count, and
 * every Cache Storage cache but the app shell's precache (code and icons only). The utility profile is public and is fetched again.
 */
export async function wipeDevice(): Promise<void> {
  unwatchDevice();
  const [{ localDb }, { abandonPulls }] = await Promise.all([device(), import('$lib/sync/pull')]);
  abandonPulls();
  // Each part is tried even if another fails: the account may already be gone on the server.
  try {
    // Reopened on next use, so the app keeps working for the next person.
    await localDb.delete({ disableAutoOpen: false });
  } catch (error) {
    console.error('the local database could not be deleted', error);
  }
  try {
    await forgetPushOnDevice();
  } catch (error) {
    console.error('the push subscription could not be dropped', error);
  }
  try {
    if ('caches' in window) {
      const names = await caches.keys();
      await Promise.all(names.filter((name) => !name.startsWith('workbox-precache')).map((name) => caches.delete(name)));
    }
  } catch (error) {
    console.error('the caches could not be deleted', error);
  }
  void syncNow();
}

/** Set while log-out or 退会 takes the customer to the log-in page, so member pages do not redirect on their own. */
let leaving = false;

async function leave(next: Farewell): Promise<void> {
  leaving = true;
  try {
    await wipeDevice();
    me = null;
    known = true;
    farewell = next;
    await goto(resolve('/login'));
  } finally {
    leaving = false;
  }
}

/** How long log-out waits for the server: a stalled line must not keep the customer's data on screen. */
const LOG_OUT_WAIT_MS = 3000;

/**
 * Ends the session on the server, wipes the device and goes to the log-in page. With no
 * network the device is wiped all the same and the log-out is sent when it returns. The
 * server forgets this device's push subscription first, while the session still lets it.
 */
export async function logOut(): Promise<void> {
  await leave((await logOutSent()) ? 'loggedOut' : 'loggedOutOffline');
}

/** Sends the log-out, waiting for the server at most LOG_OUT_WAIT_MS; true when it has it. */
function logOutSent(): Promise<boolean> {
  return Promise.race([sendLogOut(forgetPushOnServer), new Promise<false>((resolve) => setTimeout(() => resolve(false), LOG_OUT_WAIT_MS))]);
}

/**
 * 「この端末のデータを消去」 on the help page: a log-out, whether or not anyone seems signed in
 * (offline the device cannot tell, and a session it cannot see must end too), said as a clearing.
 */
export async function clearDevice(): Promise<void> {
  await logOutSent();
  await leave('deviceCleared');
}

/** 退会: the account goes on the server (refused with a reason if the password is wrong), then the device is wiped. */
export async function withdraw(password: string): Promise<void> {
  await api.account.withdraw.mutate({ password });
  await leave('withdrawn');
}

/** For pages that need a signed-in customer: once the server says nobody is, go to log-in and come back, to the same query. */
export function requireSignIn(path: MemberPage): void {
  $effect(() => {
    if (known && me === null && !leaving) void goto(resolve(`/login?next=${encodeURIComponent(path + page.url.search)}`), { replaceState: true });
  });
}
