/** The menu page and the language switch. */
export const menuTexts = {
  'language.label': '表示言語',
  'language.ja': '日本語',
  'language.en': 'English',
  'menu.title': 'メニュー',
  'menu.account': 'ご契約と会員情報',
  'menu.support': 'ご案内',
  'menu.visitor': 'ログイン・会員登録',
  'menu.logout.heading': 'ログアウト',
  'menu.logout.intro': 'ログアウトすると、この端末に保存した料金・検針・お知らせの情報も消去されます。次に使うときは、ログインし直してください。',
  'menu.logout.confirm': 'ログアウトしますか？この端末に保存した情報も消去されます。',
  'menu.logout.yes': 'ログアウトする',
  'menu.logout.cancel': 'やめる',
  'nav.label': '会員メニュー',
  'nav.home': 'ホーム',
  'nav.faucets': '契約内容のご確認',
  'nav.settings': '会員情報',
  'nav.logout': 'ログアウト',
  'nav.loggingOut': 'ログアウト中…',
  'nav.history': 'ご利用履歴',
  'nav.notices': 'お知らせ'
} as const;
