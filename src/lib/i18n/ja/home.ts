/** Home: a visitor's welcome and a member's latest bills. */
export const homeTexts = {
  'home.heading': 'ようこそ',
  'home.intro': '検針・料金・お支払いの確認や各種お手続きができます。',
  'home.greeting': '{nickname}さん、こんにちは',
  'home.signedOut': 'ご利用には会員登録が必要です。登録済みの方はログインしてください。',
  'home.moveInHint': 'お引越しの前でも、会員登録なしで申し込めます。',
  'home.faucets': 'ご登録の水栓',
  'home.unknownFaucet': 'この水栓の情報はありません。下の一覧から選んでください。',
  'home.allFaucets': 'すべての水栓の一覧に戻る',
  'home.unreadCount': '未読のお知らせ {n}件'
} as const;
