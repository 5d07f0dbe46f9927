export const locales = ['ja', 'en'] as const;
export type Locale = (typeof locales)[number];

/** Text in both of the app's languages. */
export interface Localized {
  ja: string;
  en: string;
}
