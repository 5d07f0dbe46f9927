/** The sign-up page. */
export const signupTexts = {
  'signup.title': '会員登録',
  'signup.stepsLabel': '登録の手順',
  'signup.stepOf': '手順 {n} / 4：{name}',
  'signup.step1': 'メールアドレス',
  'signup.step2': '確認コード',
  'signup.step3': '水栓番号と電話番号',
  'signup.step4': 'ニックネームとパスワード',
  'signup.whatYouNeed': '登録には、次の2つが必要です。お手元にご用意ください。',
  'signup.needFaucetNo': '水栓番号（検針票「使用水量のお知らせ」に書かれています）',
  'signup.needPhone': '水道の契約で届け出た電話番号',
  'signup.emailIntro': 'ログインに使うメールアドレスを入力してください。確認コードをお送りします。',
  'signup.codeSent': '{email} に確認コードを送りました。',
  'signup.faucetIntro': '検針票に書かれた水栓番号と、水道の契約で届け出た電話番号で、ご契約を確認します。',
  'signup.faucetProven': '水栓番号 {faucetNo} を確認しました。',
  'signup.next': '次へ',
  'signup.complete': '登録する',
  'signup.haveAccount': 'すでに会員の方はこちら'
} as const;
