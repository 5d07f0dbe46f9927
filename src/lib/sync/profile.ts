import { api } from '$lib/api';
import { keepProfile } from '$lib/local/profile';

/** Fetches the utility profile onto the device; the pages then read it offline too. */
export async function pullProfile(): Promise<void> {
  keepProfile({ profile: await api.utility.profile.query(), fetchedAt: Date.now() });
}
