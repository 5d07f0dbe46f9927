import { browser } from '$app/environment';
import { restoreLocale } from '$lib/i18n/locale.svelte';

// The app is drawn in the browser: data lives in IndexedDB, never rendered on the server. The
// public pages (/, log-in, sign-up, reset, help, the simulator) are the exception, each by its
// own +page.ts: their HTML is written at build time, in Japanese and as a visitor sees them, so
// a first visit paints before any script; the app then takes the page over (hydration) and
// draws what this device holds, in its language.
export const ssr = false;
export const prerender = false;

/** The device's language, its texts loaded before the app draws the first page (no flash of Japanese for an English reader once it runs). */
export async function load(): Promise<void> {
  if (browser) await restoreLocale();
}
