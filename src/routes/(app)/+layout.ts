import { browser } from '$app/environment';
import { paintedHomePulledAt } from '$lib/local/painted-home';
import { presumeHeld, watchDeviceIfHeld } from '$lib/local/presence.svelte';

/**
 * Where a copy is held, reading it starts as soon as the route's code has loaded, beside the
 * first render rather than after it: the installed app shows the bills sooner, also offline.
 * Where Home was painted from the copy before the app loaded, the app draws a member's page from
 * its first frame.
 */
export function load(): void {
  if (!browser) return;
  const painted = paintedHomePulledAt();
  if (painted !== null) presumeHeld(painted);
  void watchDeviceIfHeld();
}
