import type { Localized } from '../../../src/lib/shared/localized.js';

export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 128;

/**
 * Passwords that appear at the top of every leaked-password list, plus the ones people here
 * build from the service itself. Checked after lower-casing.
 */
const COMMON_PASSWORDS = new Set([
  '12345678', '123456789', '1234567890', '87654321', '11111111', '00000000', '12341234', '11223344',
  'password', 'password1', 'password123', 'passw0rd', 'p@ssw0rd', 'qwertyui', 'qwerty123', 'qwertyuiop',
  'asdfghjk', 'abcd1234', 'abc12345', '1q2w3e4r', '1qaz2wsx', 'iloveyou', 'sunshine', 'princess',
  'football', 'baseball', 'welcome1', 'letmein1', 'monkey12', 'dragon12', 'trustno1', 'superman',
  'zaq12wsx', 'aaaaaaaa', 'abcdefgh', 'changeme', 'nagoya123', 'tokyo123', 'nayoro123', 'suidou123',
  'water123', 'portal123', 'suido1234', 'gesuido1'
]);

/** Null when the password may be used; otherwise why not, in both languages. */
export function passwordProblem(password: string): Localized | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    return { ja: `パスワードは${MIN_PASSWORD_LENGTH}文字以上にしてください`, en: `use at least ${MIN_PASSWORD_LENGTH} characters` };
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    return { ja: `パスワードは${MAX_PASSWORD_LENGTH}文字以内にしてください`, en: `use at most ${MAX_PASSWORD_LENGTH} characters` };
  }
  if (COMMON_PASSWORDS.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) {
    return {
      ja: 'よく使われていて推測されやすいパスワードです。別のパスワードにしてください',
      en: 'this password is too common and easy to guess; choose another'
    };
  }
  return null;
}
