import Dexie, { type EntityTable } from 'dexie';
import type { BillRow, PaymentRow, ReadingRow } from '$lib/shared/billing-rows';
import type { Localized } from '$lib/shared/localized';
import type { ProcedureContent } from '$lib/shared/procedure-form';
import type { SyncedFaucet, SyncedNotice, SyncedProcedure } from '$lib/shared/sync-wire';
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
export type Change =
  | { kind: 'faucet-label'; linkId: number; label: string | null }
  | { kind: 'notice-read'; noticeId: number }
  /** A procedure filed on the device (checked there too): shown as 「送信待ち」 until the server has it. */
  | { kind: 'procedure-file'; linkId: number; faucetNo: string; content: ProcedureContent; fields: Record<string, string> };

export type ProcedureFiling = Extract<Change, { kind: 'procedure-file' }>;

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
  procedures!: EntityTable<LocalProcedure, 'id'>;
  refusedFilings!: EntityTable<RefusedFiling, 'id'>;

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
    this.version(7).stores({ procedures: 'id, filedAt' });
    this.version(8).stores({ refusedFilings: 'id, refusedAt' });
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

/**
 * The customer's procedures, newest first; the filings still waiting in the outbox (「送信待ち」),
 * oldest first; and those the server refused, newest first.
 */
export function proceduresCopy() {
  return localDb.transaction('r', [localDb.procedures, localDb.outbox, localDb.refusedFilings, localDb.faucets, localDb.meta], async () => {
    const filed = await localDb.procedures.orderBy('filedAt').reverse().toArray();
    const onServer = new Set(filed.map((procedure) => procedure.clientId));
    const waiting = (await localDb.outbox.orderBy('seq').toArray()).flatMap((row) =>
      row.change.kind === 'procedure-file' && !onServer.has(row.id) ? [{ clientId: row.id, queuedAt: row.queuedAt, change: row.change }] : []
    );
    return {
      filed,
      waiting,
      refused: await localDb.refusedFilings.orderBy('refusedAt').reverse().toArray(),
      faucets: await localDb.faucets.toArray(),
      synced: (await localDb.meta.get('sync')) !== undefined
    };
  });
}

/** The customer has read why a filing was refused. */
export async function clearRefusedFiling(id: string): Promise<void> {
  await localDb.refusedFilings.delete(id);
}

/** How many notices the customer has not read yet, on this device's copy. */
export function unreadNoticeCount() {
  return localDb.notices.filter((notice) => notice.readAt === null).count();
}
