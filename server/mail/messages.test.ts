import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noticeText, type NoticeFacts } from '../../src/lib/shared/notices.js';
import { demoProfilePath, parseProfile } from '../config.js';
import {
  accountWithdrawnMail,
  emailChangeCodeMail,
  emailChangedMail,
  noticeDigestMail,
  passwordResetCodeMail,
  signupAddressTakenMail,
  signupCodeMail,
  type MailContext,
  type MailMessage
} from './messages.js';

const context: MailContext = {
  profile: parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath),
  origin: 'https://portal.example.jp'
};
const to = 'taro@example.jp';
const code = '048213';
const codeInput = { to, code, validMinutes: 15 };

const codeMails: [string, MailMessage][] = [
  ['sign-up code', signupCodeMail(context, codeInput)],
  ['password-reset code', passwordResetCodeMail(context, codeInput)],
  ['e-mail change code', emailChangeCodeMail(context, codeInput)]
];
const otherMails: [string, MailMessage][] = [
  ['sign-up with a taken address', signupAddressTakenMail(context, { to })],
  ['e-mail changed', emailChangedMail(context, { to })],
  ['account withdrawn', accountWithdrawnMail(context, { to })]
];
const allMails = [...codeMails, ...otherMails];

describe('mail builders', () => {
  it.each(codeMails)('the %s mail carries the code, how long it lasts and that only the newest works', (_, mail) => {
    expect(mail.text).toContain(`確認コード: ${code}`);
    expect(mail.text).toContain(`Verification code: ${code}`);
    expect(mail.text).toContain('15分間');
    expect(mail.text).toContain('最後に届いたメールのコードだけが使えます');
    expect(mail.text).toContain('心当たりがない場合は、このメールを破棄してください');
  });

  it.each(codeMails)('the %s mail keeps the code out of the subject, which lock screens show', (_, mail) => {
    expect(mail.subject).not.toContain(code);
  });

  it.each(otherMails)('the %s mail carries no code', (_, mail) => {
    expect(`${mail.subject}\n${mail.text}`).not.toMatch(/\d{6}/);
  });

  it.each(allMails)('the %s mail goes to the given address with a Japanese subject', (_, mail) => {
    expect(mail.to).toBe(to);
    expect(mail.subject).toMatch(/^【名寄市上下水道室】[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}ー]+$/u);
  });

  it.each(allMails)('the %s mail is Japanese first, then English, then the signature', (_, mail) => {
    const english = mail.text.indexOf('(English)');
    expect(mail.text.slice(0, english)).toMatch(/\p{Script=Hiragana}/u);
    expect(english).toBeGreaterThan(0);
    expect(mail.text.trimEnd().split('\n').slice(-6)).toEqual([
      'お問い合わせ先 / Contact',
      '名寄市上下水道室 業務課 業務係',
      'Nayoro City Water and Sewerage Office, Customer Service Section',
      '電話 / Phone: 01654-3-2111',
      '受付時間: 平日 8時45分〜17時30分（土日祝日・年末年始を除く）',
      'Hours: Weekdays 8:45–17:30 (closed weekends, national holidays and 29 Dec – 3 Jan)'
    ]);
  });

  it.each(allMails)('the %s mail links, if at all, only to the portal itself', (_, mail) => {
    const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
    expect(links.every((link) => link === 'https://portal.example.jp/')).toBe(true);
  });

  it('tells the owner of a taken address to log in or reset the password, and where', () => {
    const mail = signupAddressTakenMail(context, { to });
    expect(mail.text).toContain('すでに会員登録されています');
    expect(mail.text).toContain('パスワードを忘れた場合');
    expect(mail.text).toContain('https://portal.example.jp/');
  });

  it('refuses to build a code mail without a six-digit code', () => {
    expect(() => signupCodeMail(context, { ...codeInput, code: 'undefined' })).toThrow(/six digits/);
    expect(() => passwordResetCodeMail(context, { ...codeInput, code: '12345' })).toThrow(/six digits/);
  });
});

describe('the notice digest mail', () => {
  const contact = { section: context.profile.section, phone: context.profile.phone };
  const reading = (faucetNo: string): NoticeFacts => ({ topic: 'reading', faucetNo, period: '2026-10', readingDate: '2026-10-20', usageTenths: 215 });
  const notices = [reading('6000-0001'), reading('6000-0002'), { topic: 'transfer-failed', faucetNo: '6000-0001', period: '2026-09', amount: 6380 } as const];

  it('lists every notice in Japanese, then again in English, before the signature', () => {
    const mail = noticeDigestMail(context, { to, notices });
    const english = mail.text.indexOf('(English)');
    for (const facts of notices) {
      const ja = noticeText(facts, 'ja', contact);
      const en = noticeText(facts, 'en', contact);
      expect(mail.text.indexOf(ja.body)).toBeGreaterThan(0);
      expect(mail.text.indexOf(ja.body)).toBeLessThan(english);
      expect(mail.text.indexOf(en.body)).toBeGreaterThan(english);
    }
    expect(mail.subject).toBe('【名寄市上下水道室】お知らせ 3件');
    expect(mail.text).toContain('お知らせが3件あります');
    expect(mail.text.indexOf('お問い合わせ先 / Contact')).toBeGreaterThan(english);
  });

  it('ends with the one line to the notice settings page, and links nowhere else but the portal', () => {
    const mail = noticeDigestMail(context, { to, notices: notices.slice(0, 1) });
    expect(mail.text.trimEnd().split('\n').at(-1)).toBe('お知らせの受け取り方の変更 / Choose how notices reach you: https://portal.example.jp/settings');
    const links = mail.text.match(/https?:\/\/\S+/g) ?? [];
    expect(new Set(links)).toEqual(new Set(['https://portal.example.jp/', 'https://portal.example.jp/settings']));
    expect(mail.subject).toBe('【名寄市上下水道室】検針のお知らせ');
  });

  it('is never built empty', () => {
    expect(() => noticeDigestMail(context, { to, notices: [] })).toThrow(/at least one/);
  });
});
