import { device, holdsDatabase } from './lazy';

/**
 * What the shell shows of the device's copy (whether there is one, when it was last pulled,
 * how many notices are unread), read from Dexie once someone signs in or a copy is already
 * here. Until then nothing loads Dexie: a first visit to the log-in page downloads none of it.
 */
let pulledAt = $state<number | null>(null);
let unread = $state(0);
let watching: Promise<void> | undefined;
let stop: (() => void) | undefined;

export const presence = {
  /** Whether the device holds a customer's copy (it is wiped whenever someone leaves). */
  get holdsData(): boolean {
    return pulledAt !== null;
  },
  get pulledAt(): number | null {
    return pulledAt;
  },
  get unread(): number {
    return unread;
  }
};

/** Starts reading the copy; again and again it is the same one reading. */
export function watchDevice(): Promise<void> {
  return (watching ??= device().then(({ liveQuery, syncMeta, unreadNoticeCount }) => {
    const subscriptions = [
      liveQuery(syncMeta).subscribe((meta) => (pulledAt = meta?.pulledAt ?? null)),
      liveQuery(unreadNoticeCount).subscribe((count) => (unread = count))
    ];
    stop = () => subscriptions.forEach((subscription) => subscription.unsubscribe());
  }));
}

/**
 * At start, before the copy is read: where Home was painted from it before the app loaded
 * (painted-home.ts), a copy is held, pulled then, and the app draws a member's page from the
 * first frame, not a visitor's until Dexie has loaded.
 */
export function presumeHeld(pulledAtPainted: number): void {
  pulledAt ??= pulledAtPainted;
}

/** At start: reads the copy only if one is here. */
export async function watchDeviceIfHeld(): Promise<void> {
  if (await holdsDatabase()) await watchDevice();
}

/** Before the copy is wiped: the shell stops reading it, so nothing opens the database again. */
export function unwatchDevice(): void {
  stop?.();
  stop = undefined;
  watching = undefined;
  pulledAt = null;
  unread = 0;
}
