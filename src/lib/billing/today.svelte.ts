import { onMount } from 'svelte';
import { tokyoDate } from '$lib/shared/tokyo-time';

/** Today's date in Tokyo for a page that stays open: it turns over at midnight (checked each minute). Call while a component starts. */
export function tokyoToday(): { readonly value: string } {
  let now = $state(Date.now());
  onMount(() => {
    const timer = setInterval(() => (now = Date.now()), 60_000);
    return () => clearInterval(timer);
  });
  return {
    get value() {
      return tokyoDate(now);
    }
  };
}
