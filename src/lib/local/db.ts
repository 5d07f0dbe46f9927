import Dexie, { type EntityTable } from 'dexie';
import type { BillRow, PaymentRow, ReadingRow } from '$lib/shared/billing-rows';
import type { PublicProfile } from '$lib/shared/profile';
import type { SyncedFaucet } from '$lib/shared/sync-wire';

interface StoredProfile {
  key: 'current';
  profile: PublicProfile;
  fetchedAt: number;
}

export type LocalReading = ReadingRow;
export type LocalBill = BillRow;
export type LocalPayment = PaymentRow;

/** Where the device stands: the cursor of its last pull, in which sync format, and when. */
export interface SyncMeta {
  key: 'sync';
  format: number;
  cursor: number;
  pulledAt: number;
}

/** The device's copy of everything the app shows; pages read only from here. */
export class LocalDatabase extends Dexie {
  profile!: EntityTable<StoredProfile, 'key'>;
  faucets!: EntityTable<SyncedFaucet, 'linkId'>;
  readings!: Dexie.Table<LocalReading, [string, string]>;
  bills!: Dexie.Table<LocalBill, [string, string]>;
  payments!: Dexie.Table<LocalPayment, [string, string]>;
  meta!: EntityTable<SyncMeta, 'key'>;

  constructor() {
    super('josuido-portal');
    this.version(1).stores({ profile: 'key' });
    this.version(2).stores({
      faucets: 'linkId, faucetNo',
      readings: '[faucetNo+period], faucetNo',
      bills: '[faucetNo+period], faucetNo',
      payments: '[faucetNo+period], faucetNo',
      meta: 'key'
    });
  }
}

export const localDb = new LocalDatabase();

export function currentProfile() {
  return localDb.profile.get('current');
}

/** Everything billing the device holds, read in one transaction so a pull is never seen half done. */
export function billingCopy() {
  return localDb.transaction('r', [localDb.faucets, localDb.readings, localDb.bills, localDb.payments, localDb.meta], async () => ({
    faucets: await localDb.faucets.orderBy('linkId').toArray(),
    readings: await localDb.readings.toArray(),
    bills: await localDb.bills.toArray(),
    payments: await localDb.payments.toArray(),
    synced: (await localDb.meta.get('sync')) !== undefined
  }));
}
