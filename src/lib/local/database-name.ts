/** The device's IndexedDB database, Dexie's (db.ts). */
export const DATABASE_NAME = 'josuido-portal';

/**
 * Whether this browser holds the database (someone synced here and nobody wiped it since),
 * asked without opening it, so without Dexie: pages and the service worker alike. Undefined
 * where the browser cannot list its databases.
 */
export async function listsDatabase(): Promise<boolean | undefined> {
  if (typeof indexedDB.databases !== 'function') return undefined;
  return (await indexedDB.databases()).some((database) => database.name === DATABASE_NAME);
}
