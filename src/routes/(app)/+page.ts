import { browser } from '$app/environment';
import { holdsDatabase } from '$lib/local/lazy';

// A public page, prerendered: src/routes/+layout.ts says why and how.
export const prerender = true;
export const ssr = true;

/** A member's Home draws their bills: where a copy is held, its code loads beside the page's own. */
export function load(): void {
  if (!browser) return;
  void holdsDatabase().then(async (held) => {
    if (held) await import('$lib/components/HomeBills.svelte');
  });
}
