import type { Page } from '@playwright/test';

/** The app's IndexedDB database (src/lib/local/db.ts). */
const databaseName = 'josuido-portal';

export interface DeviceDatabase {
  /** IndexedDB's version (Dexie's version × 10). */
  version: number;
  /** Every row of each store read. */
  rows: Record<string, unknown[]>;
}

export interface DeviceDatabaseWork {
  /**
   * Creates the database at this IndexedDB version with these stores (name → key path), as an
   * older app would have left it; the database must not exist yet.
   */
  create?: { version: number; stores: Record<string, string> };
  /** Rows to put, by store. */
  put?: Record<string, unknown[]>;
  /** Stores to read whole, after the puts. */
  read?: string[];
}

/**
 * Works on the app's database in the page with raw IndexedDB, not with the app's Dexie code:
 * the tests stand for another version of the app, or look at what this one left behind.
 */
export function onDeviceDatabase(page: Page, work: DeviceDatabaseWork): Promise<DeviceDatabase> {
  return page.evaluate(
    async ({ name, work }) => {
      const settled = (target: IDBRequest | IDBTransaction) =>
        new Promise<void>((resolve, reject) => {
          const ended = () => (target.error ? reject(target.error) : resolve());
          if (target instanceof IDBTransaction) {
            target.oncomplete = ended;
            target.onabort = ended;
          } else {
            target.onsuccess = ended;
          }
          target.onerror = ended;
        });
      const opening = work.create ? indexedDB.open(name, work.create.version) : indexedDB.open(name);
      let created = false;
      // Never upgrades a database the app made, nor makes an empty one where the app has none.
      opening.onupgradeneeded = (event) => {
        if (!work.create || event.oldVersion !== 0) {
          opening.transaction!.abort();
          return;
        }
        for (const [store, keyPath] of Object.entries(work.create.stores)) opening.result.createObjectStore(store, { keyPath });
        created = true;
      };
      await settled(opening);
      if (work.create && !created) {
        opening.result.close();
        throw new Error(`${name} already exists`);
      }
      const database = opening.result;
      try {
        const putStores = Object.keys(work.put ?? {});
        if (putStores.length > 0) {
          const writing = database.transaction(putStores, 'readwrite');
          for (const [store, rows] of Object.entries(work.put ?? {})) for (const row of rows) writing.objectStore(store).put(row);
          await settled(writing);
        }
        const rows: Record<string, unknown[]> = {};
        for (const store of work.read ?? []) {
          const all = database.transaction(store).objectStore(store).getAll();
          await settled(all);
          rows[store] = all.result;
        }
        return { version: database.version, rows };
      } finally {
        database.close();
      }
    },
    { name: databaseName, work }
  );
}

/** The stores that hold the customer's data and unsent changes; `meta` holds the sync cursor. The profile is public. */
const personalStores = ['faucets', 'readings', 'bills', 'payments', 'meta', 'outbox', 'notices'];

/** Rows of the customer's data on the device; none when the database was deleted and nothing opened it again. */
export async function personalRows(page: Page): Promise<number> {
  const databases = await page.evaluate(() => indexedDB.databases());
  if (!databases.some((database) => database.name === databaseName)) return 0;
  const { rows } = await onDeviceDatabase(page, { read: personalStores });
  return Object.values(rows).reduce((sum, storeRows) => sum + storeRows.length, 0);
}
