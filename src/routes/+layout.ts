import { restoreLocale } from '$lib/i18n/locale.svelte';

// The app is a client-only SPA: data lives in IndexedDB, never rendered on the server.
export const ssr = false;
export const prerender = false;

/** The device's language, its texts loaded before the first page is drawn (no flash of Japanese for an English reader). */
export async function load(): Promise<void> {
  await restoreLocale();
}
