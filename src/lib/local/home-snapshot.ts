import { tokyoDate } from '$lib/shared/tokyo-time';
import { localDb, syncMeta } from './db';
import { PAINTED_HOME_CLASS } from './painted-home';

/** The snapshot's key in the copy's meta store, beside the sync cursor: it is wiped with the copy. */
export const HOME_SNAPSHOT_KEY = 'home';

/**
 * Home as this device last showed it to its customer, for src/app.html's inline script to paint
 * at the next start before the app has loaded (painted-home.ts). Kept in the device's copy, so it
 * goes wherever the copy goes (log-out, a session ended elsewhere, 退会, clearing the device),
 * and dropped in the same transaction as any change to the copy: what is painted is always the
 * signed-in customer's current copy, as Home drew it.
 */
export interface HomeSnapshot {
  key: typeof HOME_SNAPSHOT_KEY;
  /** The page as drawn (the shell's header, Home, the tabs), without its scripts. */
  html: string;
  /** Its stylesheets: painted only where the shell's own are among them (the same build), the others added. */
  styles: string[];
  lang: string;
  /** Tokyo's date it was drawn on: Home's statuses (due, transfer day) are that day's; another day's is not painted. */
  day: string;
  /** When the copy it shows was pulled. */
  pulledAt: number;
}

/** Home as drawn now in the app's root, from the copy pulled at `pulledAt`. */
export function homeSnapshotOf(root: Element, pulledAt: number, now: number): HomeSnapshot {
  const drawn = root.cloneNode(true) as Element;
  for (const left of drawn.querySelectorAll(`script, .${PAINTED_HOME_CLASS}`)) left.remove();
  return {
    key: HOME_SNAPSHOT_KEY,
    html: drawn.innerHTML,
    styles: [...document.querySelectorAll('link[rel="stylesheet"]')].map((link) => link.getAttribute('href')!),
    lang: document.documentElement.lang,
    day: tokyoDate(now),
    pulledAt
  };
}

/**
 * Keeps Home as drawn now, unless the copy was pulled again meanwhile (Home draws that next and
 * is kept then).
 */
export async function keepHomeSnapshot(root: Element, pulledAt: number): Promise<void> {
  const snapshot = homeSnapshotOf(root, pulledAt, Date.now());
  await localDb.transaction('rw', localDb.meta, async () => {
    if ((await syncMeta())?.pulledAt === pulledAt) await localDb.meta.put(snapshot);
  });
}

/** The copy changes: Home's snapshot no longer shows it. In the transaction of the change, which must include `localDb.meta`. */
export async function forgetHomeSnapshot(): Promise<void> {
  await localDb.meta.delete(HOME_SNAPSHOT_KEY);
}
