import { goto } from '$app/navigation';
import { resolve } from '$app/paths';
import { api } from '$lib/api';
import { refusalOf } from '$lib/forms/refusal';
import type { Localized } from '$lib/shared/localized';

export interface StaffMe {
  email: string;
  role: 'clerk' | 'admin';
  mustChangePassword: boolean;
}

/** Why the log-in page is shown: nobody signed in, the session ended by itself, or a log-out. */
export type StaffFarewell = 'expired' | 'loggedOut';

// Set at log-in, cleared at log-out: a session found missing while this is set ended by itself (8 h, or 30 min idle).
const SIGNED_IN_KEY = 'staff-signed-in';

let me = $state<StaffMe | null>(null);
let known = $state(false);

export const staffSession = {
  get me(): StaffMe | null {
    return me;
  },
  get known(): boolean {
    return known;
  }
};

function remember(signedIn: boolean): void {
  if (signedIn) sessionStorage.setItem(SIGNED_IN_KEY, '1');
  else sessionStorage.removeItem(SIGNED_IN_KEY);
}

/** Asks the server who is signed in; a session that vanished since log-in goes to the log-in page with the reason. */
export async function refreshStaff(): Promise<StaffMe | null> {
  me = await api.staff.auth.me.query();
  known = true;
  if (me === null && sessionStorage.getItem(SIGNED_IN_KEY)) await staffSessionEnded();
  return me;
}

export async function staffLogIn(email: string, password: string): Promise<StaffMe> {
  await api.staff.auth.login.mutate({ email, password });
  remember(true);
  const signedIn = await api.staff.auth.me.query();
  me = signedIn;
  known = true;
  if (!signedIn) throw new Error('signed in, yet no session');
  return signedIn;
}

export async function staffChangePassword(currentPassword: string, newPassword: string): Promise<void> {
  await api.staff.auth.changePassword.mutate({ currentPassword, newPassword });
  me = await api.staff.auth.me.query();
}

export async function staffLogOut(): Promise<void> {
  await api.staff.auth.logout.mutate();
  remember(false);
  me = null;
  await goto(resolve('/staff/login?why=loggedOut'));
}

/** The server said nobody is signed in any more: the log-in page says why. */
export async function staffSessionEnded(): Promise<void> {
  remember(false);
  me = null;
  await goto(resolve('/staff/login?why=expired'));
}

/**
 * Runs a console request; an ended session leads to the log-in page instead of an error on the
 * page. Any other refusal is thrown for the page's form to show.
 */
export async function staffCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (refusalOf(error).code === 'UNAUTHORIZED') {
      await staffSessionEnded();
    }
    throw error;
  }
}

/** What a console page reads from the server: the answer, or why there is none (shown at the top of the page). */
export class StaffQuery<T> {
  value = $state<T | null>(null);
  problem = $state<Localized | null>(null);
  loading = $state(false);

  async run(call: () => Promise<T>): Promise<void> {
    this.loading = true;
    this.problem = null;
    try {
      this.value = await staffCall(call);
    } catch (error) {
      this.value = null;
      this.problem = refusalOf(error).reason;
    } finally {
      this.loading = false;
    }
  }
}
