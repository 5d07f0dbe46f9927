import type { Localized } from '$lib/shared/localized';
import { englishCatalog, loadCatalog, loadedEnglish } from './catalogs';
import { locales, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'locale';

function storedLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return locales.find((locale) => locale === stored) ?? 'ja';
}

let current = $state<Locale>('ja');

export const i18n = {
  get locale(): Locale {
    return current;
  }
};

/** Switches the app's language once its texts are here, and remembers it on this device. */
export async function chooseLocale(locale: Locale): Promise<void> {
  await loadCatalog(locale);
  current = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}

/** At start, before the first page shows: the language this device chose before. */
export function restoreLocale(): Promise<void> {
  return chooseLocale(storedLocale());
}

/** Parts of the Japanese texts (ja/*.ts). */
type Part = Readonly<Partial<Record<MessageKey, string>>>;
type KeysOf<P> = P extends unknown ? keyof P & MessageKey : never;

/** A text in the current language, of the parts a page or component drew its keys from. */
export interface Translator<Key extends MessageKey> {
  (key: Key): string;
  /** The text in both languages, so it follows the language switch like a server's reason does. Before English is first chosen its texts are not loaded, and nobody reads that half. */
  both(key: Key): Localized;
}

/**
 * The `t()` of a page or component: the keys of the Japanese parts it imports, and only those
 * (another key is a type error), in the language chosen. `const t = texts(loginTexts, formsTexts)`.
 */
export function texts<const Parts extends readonly Part[]>(...parts: Parts): Translator<KeysOf<Parts[number]>> {
  const ja = Object.assign({}, ...parts) as Record<MessageKey, string>;
  const t = (key: MessageKey) => (current === 'en' ? englishCatalog()[key] : ja[key]);
  return Object.assign(t, { both: (key: MessageKey) => ({ ja: ja[key], en: loadedEnglish()?.[key] ?? ja[key] }) });
}

/** Picks the current language's text of something the utility configured in both. */
export function localized(text: Localized): string {
  return text[current];
}
