import fc from 'fast-check';
import addressparser from 'nodemailer/lib/addressparser';
import { describe, expect, it } from 'vitest';
import { mailboxOf, parseEmail } from './email';

describe('parseEmail', () => {
  it.each([
    ['taro@example.jp', 'taro@example.jp'],
    ['  Taro.Yamada+bill@Mail.Example.CO.JP ', 'taro.yamada+bill@mail.example.co.jp'],
    ['ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ', 'taro@example.jp'],
    ["o'neil@example.jp", "o'neil@example.jp"],
    ['a@xn--eckwd4c7c.xn--zckzah', 'a@xn--eckwd4c7c.xn--zckzah']
  ])('accepts %s as %s', (raw, stored) => {
    expect(parseEmail(raw)).toBe(stored);
  });

  it.each([
    'a@b.jp,x',
    'victim%evil.jp@relay.example.jp',
    'evil.jp!victim@relay.example.jp',
    'a@b.jp, c@d.jp',
    'a(c)@b.jp',
    '"x"@b.jp',
    '"a b"@b.jp',
    'Taro <taro@example.jp>',
    'a@b.jp;x@y.jp',
    'a@[127.0.0.1]',
    'a@localhost',
    'a@b.c',
    'a..b@example.jp',
    '.a@example.jp',
    'a.@example.jp',
    'a@-b.jp',
    'a@b-.jp',
    'a@b..jp',
    'a@@b.jp',
    '@b.jp',
    'a@',
    'a b@example.jp',
    'a\\b@example.jp',
    'たろう@example.jp',
    'a@例え.jp',
    `${'a'.repeat(65)}@example.jp`,
    `a@${'b'.repeat(250)}.jp`,
    ''
  ])('refuses %s', (raw) => {
    expect(parseEmail(raw)).toBeNull();
  });

  it('names the mailbox a +tagged address reaches', () => {
    expect(mailboxOf('taro+bill@example.jp')).toBe('taro@example.jp');
    expect(mailboxOf('taro+a+b@example.jp')).toBe('taro@example.jp');
    expect(mailboxOf('taro@example.jp')).toBe('taro@example.jp');
  });

  it('accepts only what the mailer reads back as exactly that one address', () => {
    const candidates = fc.oneof(
      fc.emailAddress(),
      fc.string({ unit: 'binary-ascii', maxLength: 40 }).map((text) => `${text}@example.jp`),
      fc.tuple(fc.emailAddress(), fc.constantFrom(',', ';', ' ', '(', ')', '"', '<', '>', ':', '\\'), fc.emailAddress()).map((parts) => parts.join(''))
    );
    fc.assert(
      fc.property(candidates, (raw) => {
        const email = parseEmail(raw);
        if (email !== null) expect(addressparser(email)).toEqual([{ name: '', address: email }]);
      }),
      { seed: 5, numRuns: 2000 }
    );
  });
});
