import { readable } from 'svelte/store';
import { browser } from '$app/environment';
import type { PublicProfile } from '$lib/shared/profile';

/** The utility profile as the device keeps it: public, so it stays after log-out. */
export interface StoredProfile {
  profile: PublicProfile;
  fetchedAt: number;
}

const KEY = 'utility-profile';
const listeners = new Set<(value: StoredProfile | undefined) => void>();

function read(): StoredProfile | undefined {
  try {
    return (JSON.parse(localStorage.getItem(KEY) ?? 'null') as StoredProfile | null) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The profile in localStorage, not in IndexedDB: pages that anyone may open (log-in, sign-up,
 * help, the simulator) show it without loading Dexie. A store, so `$storedProfile` reads it.
 */
export const storedProfile = readable<StoredProfile | undefined>(undefined, (set) => {
  // A prerendered page is written with no device: as a first visit shows it.
  if (!browser) return;
  set(read());
  listeners.add(set);
  const onStorage = (event: StorageEvent) => {
    if (event.key === KEY) set(read());
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(set);
    window.removeEventListener('storage', onStorage);
  };
});

/** Keeps the profile on the device and shows it on every page that reads it. */
export function keepProfile(stored: StoredProfile): void {
  localStorage.setItem(KEY, JSON.stringify(stored));
  for (const listener of listeners) listener(stored);
}
