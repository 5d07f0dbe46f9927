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

  it('finds a name written with variant kanji by its common form', () => {
    expect(searchKey('髙橋')).toBe(searchKey('高橋'));
    expect(searchKey('山﨑 德子')).toBe(searchKey('山崎徳子'));
    expect(searchKey('渡邉')).toBe(searchKey('渡辺'));
    expect(searchKey('𠮷田')).toBe(searchKey('吉田'));
    expect(searchKey('高橋')).not.toBe(searchKey('髙木'));
  });
});
