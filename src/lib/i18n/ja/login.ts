/** The log-in page. */
export const loginTexts = {
  'login.title': 'ログイン',
  'login.submit': 'ログイン',
  'login.forgot': 'パスワードを忘れた場合',
  'login.noAccount': 'はじめての方（会員登録）',
  'login.loggedOut': 'ログアウトしました。この端末に保存していた情報は消去しました。',
  'login.loggedOutOffline': 'ログアウトしました。この端末に保存していた情報は消去しました。通信できなかったため、次に通信できたときに自動でログアウトの手続きを完了します。',
  'login.withdrawn': '退会しました。ご利用ありがとうございました。この端末に保存していた情報は消去しました。',
  'login.deviceCleared': 'この端末のデータを消去し、ログアウトしました。通信できなかった場合は、次に通信できたときに自動でログアウトの手続きを完了します。'
} as const;
