import type { Localized } from '$lib/shared/localized';
import { catalogs, locales, type Locale, type MessageKey } from './messages';

const STORAGE_KEY = 'locale';

function storedLocale(): Locale {
  const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
  return locales.find((locale) => locale === stored) ?? 'ja';
}

let current = $state<Locale>(storedLocale());

export const i18n = {
  get locale(): Locale {
    return current;
  },
  set locale(locale: Locale) {
    current = locale;
    localStorage.setItem(STORAGE_KEY, locale);
    document.documentElement.lang = locale;
  }
};

export function t(key: MessageKey): string {
  return catalogs[current][key];
}

/** Picks the current language's text of something the utility configured in both. */
export function localized(text: Localized): string {
  return text[current];
}
