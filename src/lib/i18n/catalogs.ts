import { ja, type Locale, type MessageKey } from './messages';

export type Catalog = Record<MessageKey, string>;

const loaded: Partial<Record<Locale, Catalog>> = { ja };

/** Loads a language's texts once; Japanese is always here, English comes when first chosen. */
export async function loadCatalog(locale: Locale): Promise<void> {
  if (locale === 'en') loaded.en ??= (await import('./messages-en')).en;
}

/** A language's texts, if loaded. */
export function loadedCatalog(locale: Locale): Catalog | undefined {
  return loaded[locale];
}

/** A language's texts; a language is only ever chosen once they are loaded. */
export function catalog(locale: Locale): Catalog {
  const found = loaded[locale];
  if (!found) throw new Error(`the ${locale} texts are not loaded (loadCatalog first)`);
  return found;
}
