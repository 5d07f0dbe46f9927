/** The password reset page. */
export const resetTexts = {
  'reset.title': 'パスワードの再設定',
  'reset.intro': '会員登録したメールアドレスを入力してください。確認コードをお送りします。',
  'reset.codeSent': '{email} が登録されている場合は、確認コードを送りました。',
  'reset.codeIntro': 'メールの確認コードと、新しいパスワードを入力してください。ほかの端末ではログアウトします。',
  'reset.codeHeading': '確認コードと新しいパスワード',
  'reset.submit': 'パスワードを変更する',
  'reset.backToLogin': 'ログインに戻る'
} as const;
