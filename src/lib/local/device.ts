// Everything that needs Dexie, behind one dynamic import (./lazy.ts): the log-in page of a
// device that holds no customer's copy never loads it.
export { liveQuery } from 'dexie';
export { localDb, unreadNoticeCount } from './db';
export { sendAndPull } from '$lib/sync/billing';
export { abandonPulls, forgetSyncedData } from '$lib/sync/pull';
