import { catalogs, type MessageKey } from './messages';
import type { Localized } from '$lib/shared/localized';

/** A catalog text in both languages, so it follows the language switch like a server's reason does. */
export function both(key: MessageKey): Localized {
  return { ja: catalogs.ja[key], en: catalogs.en[key] };
}

/** Fills `{name}` placeholders of a catalog text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A wait shown on a button: seconds up to two minutes, then whole minutes (rounded up). */
export function waitText(seconds: number, t: (key: MessageKey) => string): string {
  return seconds < 120 ? fill(t('time.seconds'), { n: seconds }) : fill(t('time.minutes'), { n: Math.ceil(seconds / 60) });
}
