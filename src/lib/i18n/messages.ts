/**
 * Every text of the app, Japanese first. English must have exactly the same keys: a key
 * missing or extra there is a type error, so no screen is ever half translated.
 */
export const ja = {
  'app.title': '上下水道ポータル',
  'app.skipToContent': '本文へ移動',
  'language.label': '表示言語',
  'language.ja': '日本語',
  'language.en': 'English',
  'home.heading': 'ようこそ',
  'home.intro': '検針・料金・お支払いの確認や各種お手続きができます。',
  'contact.heading': 'お問い合わせ',
  'contact.section': '担当',
  'contact.phone': '電話番号',
  'contact.hours': '受付時間',
  'profile.loading': '読み込み中…',
  'profile.unavailable': '情報を取得できませんでした。通信環境の良い場所で、もう一度開いてください。',
  'update.ready': '新しいバージョンがあります',
  'update.reload': '更新する'
} as const;

export type MessageKey = keyof typeof ja;

export const en: Record<MessageKey, string> = {
  'app.title': 'Water & Sewer Portal',
  'app.skipToContent': 'Skip to main content',
  'language.label': 'Language',
  'language.ja': '日本語',
  'language.en': 'English',
  'home.heading': 'Welcome',
  'home.intro': 'Check your meter readings, charges and payments, and file procedures online.',
  'contact.heading': 'Contact',
  'contact.section': 'Section',
  'contact.phone': 'Phone',
  'contact.hours': 'Hours',
  'profile.loading': 'Loading…',
  'profile.unavailable': 'Could not load the information. Please open the app again where the connection is better.',
  'update.ready': 'A new version is available',
  'update.reload': 'Update'
};

export const locales = ['ja', 'en'] as const;
export type Locale = (typeof locales)[number];

export const catalogs: Record<Locale, Record<MessageKey, string>> = { ja, en };
