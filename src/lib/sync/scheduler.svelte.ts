import { pullProfile } from './profile';

export type SyncState = 'idle' | 'running' | 'failed';

let state = $state<SyncState>('idle');

export const sync = {
  get state(): SyncState {
    return state;
  }
};

export async function syncNow(): Promise<void> {
  state = 'running';
  try {
    await pullProfile();
    state = 'idle';
  } catch {
    state = 'failed';
  }
}

/** Syncs at start and whenever the device comes back online or the app regains focus. */
export function startSync(): () => void {
  const onWake = () => void syncNow();
  window.addEventListener('online', onWake);
  window.addEventListener('focus', onWake);
  void syncNow();
  return () => {
    window.removeEventListener('online', onWake);
    window.removeEventListener('focus', onWake);
  };
}
