import { browser } from '$app/environment';
import { watchDeviceIfHeld } from '$lib/local/presence.svelte';

/**
 * Where a copy is held, reading it starts as soon as the route's code has loaded, beside the
 * first render rather than after it: the installed app shows the bills sooner, also offline.
 */
export function load(): void {
  if (browser) void watchDeviceIfHeld();
}
