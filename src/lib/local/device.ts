// Everything the shell reads from Dexie, behind one dynamic import (./lazy.ts): the log-in page
// of a device that holds no customer's copy never loads it.
export { liveQuery } from 'dexie';
export { localDb, syncMeta } from './db';
export { unreadNoticeCount } from '$lib/notices/copy';
