import type { Locale, MessageKey } from './messages';

export type Catalog = Record<MessageKey, string>;

let english: Catalog | undefined;

/** Loads a language's texts once; Japanese is always here (each page's parts with the page), English comes whole when first chosen. */
export async function loadCatalog(locale: Locale): Promise<void> {
  if (locale === 'en') english ??= (await import('./messages-en')).en;
}

/** The English texts, if loaded. */
export function loadedEnglish(): Catalog | undefined {
  return english;
}

/** The English texts; English is only ever chosen once they are loaded. */
export function englishCatalog(): Catalog {
  if (!english) throw new Error('the en texts are not loaded (loadCatalog first)');
  return english;
}
