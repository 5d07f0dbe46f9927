import type { Localized } from '$lib/shared/localized';
import { catalog, loadCatalog } from './catalogs';
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

export function t(key: MessageKey): string {
  return catalog(current)[key];
}

/** Picks the current language's text of something the utility configured in both. */
export function localized(text: Localized): string {
  return text[current];
}
