import Dexie, { type EntityTable } from 'dexie';
import type { BillRow, PaymentRow, ReadingRow } from '$lib/shared/billing-rows';
import type { SyncedFaucet, SyncedNotice } from '$lib/shared/sync-wire';
import { keepProfile, type StoredProfile } from '$lib/sync/profile';

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

/** A notice as the device holds it; `readAt` is set at once when read here, before the server hears of it. */
export type LocalNotice = SyncedNotice;

/** A change the customer made on this device, as the outbox holds it until the server has it. */
export type Change = { kind: 'faucet-label'; linkId: number; label: string | null } | { kind: 'notice-read'; noticeId: number };

/**
 * One change waiting to be sent. `id` is made on the device and is the server's idempotency
 * key: a send repeated after a lost answer changes nothing. `seq` keeps the customer's order.
 */
export interface OutboxRow {
  seq?: number;
  id: string;
  change: Change;
  queuedAt: number;
}

/** The device's copy of everything the app shows; pages read only from here. */
export class LocalDatabase extends Dexie {
  faucets!: EntityTable<SyncedFaucet, 'linkId'>;
  readings!: Dexie.Table<LocalReading, [string, string]>;
  bills!: Dexie.Table<LocalBill, [string, string]>;
  payments!: Dexie.Table<LocalPayment, [string, string]>;
  meta!: EntityTable<SyncMeta, 'key'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  notices!: EntityTable<LocalNotice, 'id'>;

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
    this.version(3).stores({ outbox: '++seq' });
    this.version(4).stores({ notices: 'id, createdAt' });
    // The public utility profile moved to localStorage (sync/profile.ts), so pages anyone may
    // open need no Dexie; a device's stored one goes along, shown until the next fetch.
    this.version(5).upgrade(async (transaction) => {
      const stored = await transaction.table<StoredProfile & { key: string }>('profile').get('current');
      if (stored) keepProfile({ profile: stored.profile, fetchedAt: stored.fetchedAt });
    });
    this.version(6).stores({ profile: null });
  }
}

export const localDb = new LocalDatabase();

/** The faucets the device holds and those with a change still waiting in the outbox, read together. */
export function faucetsCopy() {
  return localDb.transaction('r', [localDb.faucets, localDb.outbox, localDb.meta], async () => ({
    faucets: await localDb.faucets.orderBy('linkId').toArray(),
    waiting: new Set((await localDb.outbox.toArray()).flatMap(({ change }) => (change.kind === 'faucet-label' ? [change.linkId] : []))),
    synced: (await localDb.meta.get('sync')) !== undefined
  }));
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

/** The customer's notices, newest first. */
export function noticesCopy() {
  return localDb.notices.orderBy('createdAt').reverse().toArray();
}

/** How many notices the customer has not read yet, on this device's copy. */
export function unreadNoticeCount() {
  return localDb.notices.filter((notice) => notice.readAt === null).count();
}
