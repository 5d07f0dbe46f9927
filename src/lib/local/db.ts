import Dexie, { type EntityTable } from 'dexie';
import type { PublicProfile } from '$lib/shared/profile';

interface StoredProfile {
  key: 'current';
  profile: PublicProfile;
  fetchedAt: number;
}

/** The device's copy of everything the app shows; pages read only from here. */
export class LocalDatabase extends Dexie {
  profile!: EntityTable<StoredProfile, 'key'>;

  constructor() {
    super('josuido-portal');
    this.version(1).stores({ profile: 'key' });
  }
}

export const localDb = new LocalDatabase();

export function currentProfile() {
  return localDb.profile.get('current');
}
