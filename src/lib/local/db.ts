import Dexie, { type EntityTable } from 'dexie';
import type { BillRow, PaymentRow, ReadingRow } from '$lib/shared/billing-rows';
import type { Localized } from '$lib/shared/localized';
import type { ProcedureContent } from '$lib/shared/procedure-form';
import type { SyncedFaucet, SyncedNotice, SyncedProcedure } from '$lib/shared/sync-wire';
import { keepProfile, type StoredProfile } from './profile';
import { DATABASE_NAME } from './database-name';
import type { HomeSnapshot } from './home-snapshot';

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
export type Change =
  | { kind: 'faucet-label'; linkId: number; label: string | null }
  | { kind: 'notice-read'; noticeId: number }
  /** A procedure filed on the device (checked there too): shown as 「送信待ち」 until the server has it. */
  | { kind: 'procedure-file'; linkId: number; faucetNo: string; content: ProcedureContent; fields: Record<string, string> };

export type ChangeOf<K extends Change['kind']> = Extract<Change, { kind: K }>;

export type ProcedureFiling = ChangeOf<'procedure-file'>;

export type LocalProcedure = SyncedProcedure;

/**
 * A filing the server refused for good (its faucet was removed on another device, say): kept
 * to tell the customer why, until they clear it, instead of vanishing from the list.
 */
export interface RefusedFiling {
  /** The filing's outbox id. */
  id: string;
  change: ProcedureFiling;
  reason: Localized;
  refusedAt: number;
}

/**
 * One change waiting to be sent. `id` is made on the device and is the server's idempotency
 * key: a send repeated after a lost answer changes nothing. `seq` keeps the customer's order.
 */
export interface OutboxRow<C extends Change = Change> {
  seq?: number;
  id: string;
  change: C;
  queuedAt: number;
}

/** The device's copy of everything the app shows; pages read only from here. */
export class LocalDatabase extends Dexie {
  faucets!: EntityTable<SyncedFaucet, 'linkId'>;
  readings!: Dexie.Table<LocalReading, [string, string]>;
  bills!: Dexie.Table<LocalBill, [string, string]>;
  payments!: Dexie.Table<LocalPayment, [string, string]>;
  /** The sync cursor, and Home's snapshot drawn from the copy (home-snapshot.ts). */
  meta!: EntityTable<SyncMeta | HomeSnapshot, 'key'>;
  outbox!: EntityTable<OutboxRow, 'seq'>;
  notices!: EntityTable<LocalNotice, 'id'>;
  procedures!: EntityTable<LocalProcedure, 'id'>;
  refusedFilings!: EntityTable<RefusedFiling, 'id'>;

  constructor() {
    super(DATABASE_NAME);
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
    // The public utility profile moved to localStorage (local/profile.ts), so pages anyone may
    // open need no Dexie; a device's stored one goes along, shown until the next fetch.
    this.version(5).upgrade(async (transaction) => {
      const stored = await transaction.table<StoredProfile & { key: string }>('profile').get('current');
      if (stored) keepProfile({ profile: stored.profile, fetchedAt: stored.fetchedAt });
    });
    this.version(6).stores({ profile: null });
    this.version(7).stores({ procedures: 'id, filedAt' });
    this.version(8).stores({ refusedFilings: 'id, refusedAt' });
  }
}

export const localDb = new LocalDatabase();

/** Where the device stands with the server, undefined before its first pull. */
export function syncMeta(): Promise<SyncMeta | undefined> {
  return localDb.meta.get('sync') as Promise<SyncMeta | undefined>;
}

/** Whether the device holds a pull (it is wiped whenever someone leaves): before one, an empty copy means nothing yet. */
export async function holdsPull(): Promise<boolean> {
  return (await syncMeta()) !== undefined;
}
