import { listsDatabase } from './database-name';
import type * as Device from './device';

let loading: Promise<typeof Device> | undefined;

/** Dexie, loaded on first use and then shared. */
export function device(): Promise<typeof Device> {
  return (loading ??= import('./device'));
}

/**
 * Whether this browser holds the app's IndexedDB database (someone synced here and nobody
 * wiped it since), asked without loading Dexie. Where the browser cannot list its databases
 * the answer is yes, and Dexie loads as before.
 */
export async function holdsDatabase(): Promise<boolean> {
  if (loading) return true;
  return (await listsDatabase()) ?? true;
}
