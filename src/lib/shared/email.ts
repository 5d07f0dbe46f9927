import type { Localized } from './localized';

/**
 * The one grammar for e-mail addresses, on the device and on the server: a dot-atom local
 * part (RFC 5322 atext, no quoted strings, no comments) and a host name of letters, digits and
 * hyphens with a top-level domain of letters. Everything a mailer would read as something
 * else (`a@b.jp,x` is two addresses, `a(c)@b.jp` has a comment, `"x"@b.jp` is quoted) is
 * refused, and so are `%` and `!`, which relays still route on (`a%b.jp@relay` is a@b.jp), so
 * one mailbox is one account and one rate-limit bucket.
 */
const LOCAL_PART = /^[a-z0-9#$&'*+/=?^_`{|}~-]+(\.[a-z0-9#$&'*+/=?^_`{|}~-]+)*$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const TOP_LEVEL = /^([a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

export const emailProblem: Localized = {
  ja: 'メールアドレスの形式が正しくありません（例: taro@example.jp）',
  en: 'That is not an e-mail address (for example taro@example.jp)'
};

/**
 * The address as the portal keeps it (full-width folded, trimmed, lower-cased), or null when
 * it is not one. Lower-casing the local part is the portal's choice: real mailboxes ignore case.
 */
export function parseEmail(raw: string): string | null {
  const email = raw.normalize('NFKC').trim().toLowerCase();
  if (email.length > 254) return null;
  const at = email.lastIndexOf('@');
  const local = email.slice(0, at);
  const labels = email.slice(at + 1).split('.');
  if (at < 1 || local.length > 64 || !LOCAL_PART.test(local)) return null;
  if (labels.length < 2 || !labels.every((label) => HOST_LABEL.test(label)) || !TOP_LEVEL.test(labels.at(-1)!)) return null;
  return email;
}

/** The mailbox an address reaches: a `+tag` in the local part is the owner's own label for it. */
export function mailboxOf(email: string): string {
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  return plus === -1 || plus > at ? email : `${email.slice(0, plus)}${email.slice(at)}`;
}
