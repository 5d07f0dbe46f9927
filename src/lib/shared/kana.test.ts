import { describe, expect, it } from 'vitest';
import { searchKey, toKatakana } from './kana';

describe('kana', () => {
  it('turns hiragana into katakana and leaves the rest', () => {
    expect(toKatakana('なよろ たろう ゔ ゖ 名寄 ABC')).toBe('ナヨロ タロウ ヴ ヶ 名寄 ABC');
  });

  it('gives full-width, half-width, hiragana and spaced forms of a name one key', () => {
    const key = searchKey('ナヨロタロウ');
    expect(searchKey('なよろ　たろう')).toBe(key);
    expect(searchKey('ﾅﾖﾛ ﾀﾛｳ')).toBe(key);
    expect(searchKey('ＫＡＢＵＳＨＩＫＩ　Kaisha')).toBe('kabushikikaisha');
  });
});
