import { noticeText, type NoticeFacts } from '../../src/lib/shared/notices.js';
import type { Localized } from '../../src/lib/shared/localized.js';
import type { UtilityProfile } from '../config.js';

export type MailKind =
  | 'signup-code'
  | 'signup-address-taken'
  | 'password-reset-code'
  | 'email-change-code'
  | 'email-changed'
  | 'account-withdrawn'
  | 'notice-digest'
  | 'move-in-code'
  | 'move-in-status';

export interface MailMessage {
  /** Names the mail in logs, which must never carry its text. */
  kind: MailKind;
  to: string;
  subject: string;
  /** Plain text: Japanese, then English, then the utility's signature. */
  text: string;
}

export interface MailContext {
  profile: Pick<UtilityProfile, 'name' | 'section' | 'phone' | 'hours'>;
  /** The portal's public origin (ORIGIN). Mails link only to it, never to a URL with a secret. */
  origin: string;
}

export interface CodeMailInput {
  to: string;
  code: string;
  validMinutes: number;
}

const rule = '――――――――――――――――――――';

function signature({ profile }: MailContext): string[] {
  return [
    rule,
    'お問い合わせ先 / Contact',
    `${profile.name.ja} ${profile.section.ja}`,
    `${profile.name.en}, ${profile.section.en}`,
    `電話 / Phone: ${profile.phone}`,
    `受付時間: ${profile.hours.ja}`,
    `Hours: ${profile.hours.en}`
  ];
}

function compose(
  context: MailContext,
  message: { kind: MailKind; to: string; subject: string },
  japanese: string[],
  english: string[],
  closing: string[] = []
): MailMessage {
  const text = [...japanese, '', rule, '(English)', '', ...english, '', ...signature(context), ...closing].join('\n');
  return { ...message, subject: `【${context.profile.name.ja}】${message.subject}`, text };
}

function assertCode(code: string): void {
  // A mail saying "your code is undefined" would strand the customer mid sign-up.
  if (!/^\d{6}$/.test(code)) throw new Error('a verification code is six digits');
}

/** Lines every code mail shares: the code, how long it lasts, and how not to be tricked out of it. */
function codeLines({ code, validMinutes }: CodeMailInput) {
  return {
    japanese: [
      `確認コード: ${code}`,
      '',
      `・確認コードの有効期限は、このメールの送信から${validMinutes}分間です。`,
      '・確認コードを何度か送った場合は、最後に届いたメールのコードだけが使えます。',
      '・確認コードは、ほかの人に教えないでください。職員が電話などで確認コードやパスワードをお尋ねすることはありません。'
    ],
    english: [
      `Verification code: ${code}`,
      '',
      `- The code is valid for ${validMinutes} minutes from when this mail was sent.`,
      '- If you asked for more than one code, only the code in the newest mail works.',
      '- Do not tell anyone this code. Our staff never ask for codes or passwords, by phone or otherwise.'
    ]
  };
}

export function signupCodeMail(context: MailContext, input: CodeMailInput): MailMessage {
  assertCode(input.code);
  const code = codeLines(input);
  return compose(
    context,
    { kind: 'signup-code', to: input.to, subject: '会員登録の確認コード' },
    [
      '上下水道ポータルへの会員登録のお申し込みを受け付けました。',
      '登録画面に次の確認コードを入力してください。',
      '',
      ...code.japanese,
      '・お申し込みに心当たりがない場合は、このメールを破棄してください。登録は行われません。'
    ],
    [
      'We received a request to sign up for the water and sewer portal with this address.',
      'Enter this code on the sign-up screen.',
      '',
      ...code.english,
      '- If you did not ask for this, ignore this mail. No account will be created.'
    ]
  );
}

/** Sent instead of a code when the address already has an account, so the sign-up screen can look the same. */
export function signupAddressTakenMail(context: MailContext, input: { to: string }): MailMessage {
  const portal = `${context.origin}/`;
  return compose(
    context,
    { kind: 'signup-address-taken', to: input.to, subject: '会員登録のお申し込みについて' },
    [
      'このメールアドレスで上下水道ポータルへの会員登録のお申し込みがありましたが、',
      'このメールアドレスはすでに会員登録されています。',
      '',
      '・ご登録済みのパスワードでログインしてください。',
      '・パスワードを忘れた場合は、ログイン画面の「パスワードを忘れた場合」から再設定できます。',
      `・ポータル: ${portal}`,
      '',
      'お申し込みに心当たりがない場合は、このメールを破棄してください。会員情報は変更されていません。'
    ],
    [
      'Someone asked to sign up for the water and sewer portal with this address,',
      'but this address already has an account.',
      '',
      '- Log in with your password.',
      '- If you forgot it, choose "Forgot your password?" on the log-in screen to set a new one.',
      `- Portal: ${portal}`,
      '',
      'If you did not ask for this, ignore this mail. Your account has not been changed.'
    ]
  );
}

export function passwordResetCodeMail(context: MailContext, input: CodeMailInput): MailMessage {
  assertCode(input.code);
  const code = codeLines(input);
  return compose(
    context,
    { kind: 'password-reset-code', to: input.to, subject: 'パスワード再設定の確認コード' },
    [
      'パスワード再設定のお申し込みを受け付けました。',
      '再設定の画面に次の確認コードを入力し、新しいパスワードを設定してください。',
      '',
      ...code.japanese,
      '・お申し込みに心当たりがない場合は、このメールを破棄してください。パスワードは変更されません。'
    ],
    [
      'We received a request to reset the password of your portal account.',
      'Enter this code on the reset screen, then choose a new password.',
      '',
      ...code.english,
      '- If you did not ask for this, ignore this mail. Your password stays as it is.'
    ]
  );
}

/** 使用開始 (moving in): the code proves the address the receipt and every status change go to. */
export function moveInCodeMail(context: MailContext, input: CodeMailInput): MailMessage {
  assertCode(input.code);
  const code = codeLines(input);
  return compose(
    context,
    { kind: 'move-in-code', to: input.to, subject: '水道の使用開始のお申し込み 確認コード' },
    [
      '水道の使用開始（お引越し）のお申し込みのため、このメールアドレスの確認をお願いします。',
      'お申し込みの画面に次の確認コードを入力してください。',
      '',
      ...code.japanese,
      '・お申し込みに心当たりがない場合は、このメールを破棄してください。お申し込みは行われません。'
    ],
    [
      'To apply for starting the water supply (moving in), please confirm this address.',
      'Enter this code on the application screen.',
      '',
      ...code.english,
      '- If you did not ask for this, ignore this mail. Nothing will be filed.'
    ]
  );
}

/**
 * A move-in's receipt and each later status: the person has no account yet, so mail is how they
 * hear. Once the contract starts, they sign up the usual way with the faucet number on the 検針票.
 */
export function moveInStatusMail(
  context: MailContext,
  input: { to: string; receiptNo: string; firstDay: string; status: Localized; note: string | null }
): MailMessage {
  const signup = `${context.origin}/signup`;
  return compose(
    context,
    { kind: 'move-in-status', to: input.to, subject: `水道の使用開始のお申し込み（受付番号 ${input.receiptNo}）: ${input.status.ja}` },
    [
      '水道の使用開始のお申し込みの状況をお知らせします。',
      '',
      `受付番号: ${input.receiptNo}`,
      `使用を始める日: ${input.firstDay}`,
      `状況: ${input.status.ja}`,
      ...(input.note ? [`業務課からの連絡: ${input.note}`] : []),
      '',
      '・お問い合わせの際は受付番号をお伝えください。',
      `・ご契約が始まり検針票が届いたら、水栓番号で上下水道ポータルに会員登録できます: ${signup}`
    ],
    [
      'This is how your application for starting the water supply stands.',
      '',
      `Receipt number: ${input.receiptNo}`,
      `First day of use: ${input.firstDay}`,
      `Status: ${input.status.en}`,
      ...(input.note ? [`Note from the Customer Service Section: ${input.note}`] : []),
      '',
      '- Please tell us the receipt number when you call.',
      `- Once your contract has started and your first meter slip arrives, you can sign up for the portal with its faucet number: ${signup}`
    ]
  );
}

/** Goes to the new address: the code proves that the customer can read it. */
export function emailChangeCodeMail(context: MailContext, input: CodeMailInput): MailMessage {
  assertCode(input.code);
  const code = codeLines(input);
  return compose(
    context,
    { kind: 'email-change-code', to: input.to, subject: 'メールアドレス変更の確認コード' },
    [
      '上下水道ポータルの会員のメールアドレスを、このメールアドレスに変更するお申し込みを受け付けました。',
      '変更の画面に次の確認コードを入力してください。',
      '',
      ...code.japanese,
      '・お申し込みに心当たりがない場合は、このメールを破棄してください。メールアドレスは変更されません。'
    ],
    [
      'We received a request to change the e-mail address of a portal account to this address.',
      'Enter this code on the change screen.',
      '',
      ...code.english,
      '- If you did not ask for this, ignore this mail. No address will be changed.'
    ]
  );
}

/** Goes to the old address, so an owner whose account was taken over hears about it. */
export function emailChangedMail(context: MailContext, input: { to: string }): MailMessage {
  return compose(
    context,
    { kind: 'email-changed', to: input.to, subject: 'メールアドレスが変更されました' },
    [
      '上下水道ポータルの会員のメールアドレスが変更されました。',
      '今後のお知らせは新しいメールアドレスにお送りし、このメールアドレスにはお送りしません。',
      '',
      'この変更に心当たりがない場合は、すぐに下記までお電話ください。'
    ],
    [
      'The e-mail address of your portal account has been changed.',
      'From now on we send mail to the new address, not to this one.',
      '',
      'If you did not make this change, please call us at once (see below).'
    ]
  );
}

export function accountWithdrawnMail(context: MailContext, input: { to: string }): MailMessage {
  return compose(
    context,
    { kind: 'account-withdrawn', to: input.to, subject: '退会手続きが完了しました' },
    [
      '上下水道ポータルの退会手続きが完了しました。ご利用ありがとうございました。',
      '',
      '・会員情報は削除しました。登録していた水栓の登録も解除しました。',
      '・紙の検針票を止めていた水栓には、翌営業日から紙の検針票をお届けします。',
      '・水道の使用契約はそのまま続きます。使用をやめる場合は、別にお手続きが必要です。',
      '',
      'この退会に心当たりがない場合は、下記までお電話ください。'
    ],
    [
      'Your portal account has been closed. Thank you for using the portal.',
      '',
      '- Your account data has been deleted and your faucets have been removed from it.',
      '- Faucets that had stopped the paper slip get paper slips again from the next business day.',
      '- Your water supply contract continues. To stop using water, a separate procedure is needed.',
      '',
      'If you did not close your account, please call us (see below).'
    ]
  );
}

/**
 * Every notice due for one customer in one mail: an account with 20 faucets hears about an
 * import once, not 20 times. Ends with the page where the customer chooses what comes by mail.
 */
export function noticeDigestMail(context: MailContext, input: { to: string; notices: NoticeFacts[] }): MailMessage {
  if (input.notices.length === 0) throw new Error('a notice mail lists at least one notice');
  const contact = { section: context.profile.section, phone: context.profile.phone };
  const listed = (locale: 'ja' | 'en') =>
    input.notices.flatMap((facts) => {
      const { title, body } = noticeText(facts, locale, contact);
      return [`■ ${title}`, body, ''];
    });
  const [first] = input.notices;
  const subject = input.notices.length === 1 ? noticeText(first!, 'ja', contact).title : `お知らせ ${input.notices.length}件`;
  const portal = `${context.origin}/`;
  return compose(
    context,
    { kind: 'notice-digest', to: input.to, subject },
    [
      input.notices.length === 1 ? '上下水道ポータルからのお知らせです。' : `上下水道ポータルからのお知らせが${input.notices.length}件あります。`,
      '',
      ...listed('ja'),
      `くわしくはポータルでご覧ください: ${portal}`
    ],
    [
      input.notices.length === 1 ? 'A notice from the water and sewer portal.' : `${input.notices.length} notices from the water and sewer portal.`,
      '',
      ...listed('en'),
      `See the portal for details: ${portal}`
    ],
    ['', `お知らせの受け取り方の変更 / Choose how notices reach you: ${context.origin}/settings`]
  );
}
