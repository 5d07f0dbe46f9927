import { browser } from '$app/environment';
import { holdsDatabase } from '$lib/local/lazy';

/** A member's Home draws their bills: where a copy is held, its code loads beside the page's own. */
export function load(): void {
  if (browser) void holdsDatabase().then((held) => held && import('$lib/components/HomeBills.svelte'));
}
