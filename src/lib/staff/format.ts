import { tokyoTimestamp } from '$lib/shared/tokyo-time';

/** An instant from the API (ISO text) as Tokyo wall-clock time to the minute: staff compare it with the phone call they are on. */
export function staffTime(iso: string | Date): string {
  return tokyoTimestamp(new Date(iso)).slice(0, 16).replace('T', ' ');
}

/** A share as a percentage with one decimal; a dash when there is nothing to divide by. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${((part * 100) / whole).toFixed(1)}%`;
}
