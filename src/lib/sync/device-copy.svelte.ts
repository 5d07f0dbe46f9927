import { liveQuery } from 'dexie';
import { session, showsDeviceCopy } from '$lib/account/session.svelte';
import { sync } from './scheduler.svelte';

/** Why a page has nothing of the copy to show yet: still coming, the server out of reach with no copy here, or failed. */
export type CopyPending = 'loading' | 'unreachable' | 'failed';

/** A page's view of the device's copy, read again whenever what it read changes. */
export interface DeviceCopy<T extends { synced: boolean }> {
  /** The copy as last read, once the page may show it: to whoever is signed in, or offline where a copy is held. */
  readonly shown: T | undefined;
  /** Whether the device holds a pull: before one, an empty copy means nothing has come yet. */
  readonly synced: boolean;
  /** What to say while nothing is shown or pulled. */
  readonly pending: CopyPending;
}

/**
 * Reads the device's copy through one of the features' reads, for as long as the component
 * that calls it lives (call it while the component starts). Pages read the copy only this way,
 * so they look the same online and offline, and never load Dexie themselves.
 */
export function deviceCopy<T extends { synced: boolean }>(read: () => Promise<T>): DeviceCopy<T> {
  let value = $state.raw<T>();
  let unreadable = $state(false);
  $effect(() => {
    const subscription = liveQuery(read).subscribe({
      next: (next) => {
        value = next;
        unreadable = false;
      },
      error: (error: unknown) => {
        console.error('the device copy could not be read', error);
        unreadable = true;
      }
    });
    return () => subscription.unsubscribe();
  });
  const synced = $derived(value?.synced ?? false);
  return {
    get shown() {
      return showsDeviceCopy(synced) ? value : undefined;
    },
    get synced() {
      return synced;
    },
    get pending() {
      if (unreadable) return 'failed';
      if (!session.known && session.unreachable && !synced) return 'unreachable';
      return sync.state === 'failed' ? 'failed' : 'loading';
    }
  };
}
