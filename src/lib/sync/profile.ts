import { api } from '$lib/api';
import { localDb } from '$lib/local/db';

/** Fetches the utility profile into the device's copy; the pages then read it offline too. */
export async function pullProfile(): Promise<void> {
  const profile = await api.utility.profile.query();
  await localDb.profile.put({ key: 'current', profile, fetchedAt: Date.now() });
}
