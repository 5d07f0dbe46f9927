import { describe, expect, it } from 'vitest';
import { forbiddenCharacter, typedTextProblem } from './typed-text';

describe('typed text', () => {
  it.each([
    ['C0', 'a\u0007b', 'U+0007'],
    ['C0 tab', 'a\tb', 'U+0009'],
    ['C0 line end', 'a\nb', 'U+000A'],
    ['DEL', 'a\u007fb', 'U+007F'],
    ['C1', 'a\u0085b', 'U+0085'],
    ['C1 CSI', 'a\u009bb', 'U+009B'],
    ['bidi override', 'gnp.\u202Eexe', 'U+202E'],
    ['bidi embedding', '\u202Aabc', 'U+202A'],
    ['bidi isolate', 'a\u2066b\u2069', 'U+2066'],
    ['bidi pop isolate', 'ab\u2069', 'U+2069']
  ])('refuses %s in a line of text', (_, text, code) => {
    expect(forbiddenCharacter(text)).toBe(code);
  });

  it('takes what people write: Japanese, full-width forms, emoji, the marks around bidi controls', () => {
    for (const text of ['名寄 花子', 'ﾅﾖﾛ　ﾊﾅｺ', '〒096-8686 名寄市大通南1丁目①', '🚰 実家', '\u200Dzwj', '\u202Fnarrow', '\u206Aold']) {
      expect(forbiddenCharacter(text)).toBeNull();
    }
  });

  it('keeps tabs and line ends where text may span lines, and nothing else', () => {
    expect(forbiddenCharacter('名寄市東1条\r\n南2丁目\t', true)).toBeNull();
    expect(forbiddenCharacter('a\r\n\u0085', true)).toBe('U+0085');
    expect(forbiddenCharacter('a\n\u202E', true)).toBe('U+202E');
  });

  it('names the field and the character in both languages', () => {
    expect(typedTextProblem('なよろ\u202E', { ja: 'ニックネーム', en: 'Nickname' })).toEqual({
      ja: 'ニックネームに使えない文字（制御文字 U+202E）が含まれています。入力し直してください',
      en: 'Nickname: contains a character that cannot be used (control character U+202E); please type it again'
    });
    expect(typedTextProblem('なよろ', { ja: 'ニックネーム', en: 'Nickname' })).toBeNull();
  });
});
