/** Confirmation codes sent by mail, and the hints under the fields that prove a faucet (sign-up, reset, settings, faucets). */
export const codesTexts = {
  'hint.code': 'メールに書かれた6桁の数字を入力してください。',
  'hint.faucetNo': '検針票（上下水道料金のお知らせ）の「お客様番号」に印字されています。',
  'hint.example': '例：{example}',
  'hint.phone': '水道の契約のときに届け出た電話番号です。市外局番から入力してください。ハイフンはあってもなくてもかまいません。',
  'hint.consent': 'ご家族など契約者以外の方も、契約者の同意があれば登録できます。',
  'hint.nickname': 'アプリの中で表示されるお名前です（{max}文字まで）。',
  'hint.label': 'どの水栓か分かりやすい名前を付けられます（20文字まで）。',
  'code.mailDelay': 'メールが届くまで数分かかることがあります。',
  'code.mailFrom': '届かない場合は、迷惑メールのフォルダをご確認いただくか、{from} からのメールを受信できるように設定してください。',
  'code.mailFromUnknown': '届かない場合は、迷惑メールのフォルダをご確認ください。',
  'code.newestOnly': 'コードを再送した場合は、いちばん新しいメールのコードだけが使えます。',
  'code.validity': 'コードの有効期限は15分です。',
  'code.resend': 'コードを再送',
  'code.resendIn': 'コードを再送（あと{time}）',
  'code.resent': '確認コードを再送しました。いちばん新しいメールのコードを入力してください。',
  'code.changeEmail': 'メールアドレスを入力し直す',
  'code.send': '確認コードを送る'
} as const;
