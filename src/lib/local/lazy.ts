import { listsDatabase } from './database-name';
import type * as Device from './device';

let loading: Promise<typeof Device> | undefined;

/**
 * Dexie, loaded on first use and then shared, with the app's database made: once this resolves
 * the database exists, which the service worker goes by to answer a page with the shell
 * (src/service-worker.ts); a page left before then would take an unfinished open with it. A
 * browser that keeps no database still runs the app, its reads failing as they did before.
 */
export function device(): Promise<typeof Device> {
  return (loading ??= import('./device').then(async (loaded) => {
    await loaded.localDb.open().catch((error: unknown) => console.error('the local database could not be opened', error));
    return loaded;
  }));
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
