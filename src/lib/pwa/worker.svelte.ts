import { Workbox } from 'workbox-window';
import { listenForInstallPrompt } from './install.svelte';

let updateWaiting = $state(false);
let workbox: Workbox | undefined;

export const pwa = {
  get updateWaiting(): boolean {
    return updateWaiting;
  }
};

export function registerServiceWorker(): void {
  // At start-up, as the browser offers installing only once, soon after the first page loads.
  listenForInstallPrompt();
  if (!('serviceWorker' in navigator) || import.meta.env.DEV) return;
  workbox = new Workbox('/service-worker.js');
  workbox.addEventListener('waiting', () => {
    updateWaiting = true;
  });
  void workbox.register();
}

/** Lets the waiting worker take over, then reloads once it controls the page. */
export function applyUpdate(): void {
  if (!workbox) return;
  workbox.addEventListener('controlling', () => window.location.reload());
  workbox.messageSkipWaiting();
}
