import { catalog, loadedCatalog } from './catalogs';
import type { MessageKey } from './messages';
import type { Localized } from '$lib/shared/localized';

/**
 * A catalog text in both languages, so it follows the language switch like a server's reason
 * does. Before English is first chosen its texts are not loaded, and nobody reads that half.
 */
export function both(key: MessageKey): Localized {
  const ja = catalog('ja')[key];
  return { ja, en: loadedCatalog('en')?.[key] ?? ja };
}

/** Fills `{name}` placeholders of a catalog text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A wait shown on a button: seconds up to two minutes, then whole minutes (rounded up). */
export function waitText(seconds: number, t: (key: MessageKey) => string): string {
  return seconds < 120 ? fill(t('time.seconds'), { n: seconds }) : fill(t('time.minutes'), { n: Math.ceil(seconds / 60) });
}
