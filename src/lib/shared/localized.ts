/** Text in both of the app's languages. */
export interface Localized {
  ja: string;
  en: string;
}
