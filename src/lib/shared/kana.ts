/** Hiragana ぁ (U+3041) … ゖ (U+3096) and the katakana at the same offsets ァ (U+30A1) … ヶ (U+30F6). */
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index)).join('');
export const HIRAGANA = span(0x3041, 0x3096);
export const KATAKANA = span(0x30a1, 0x30f6);

/** ひらがな → カタカナ; everything else as it is. */
export function toKatakana(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (char) => String.fromCodePoint(char.codePointAt(0)! + 0x60));
}

/**
 * What a name is compared by in a search: NFKC (full-width letters and digits to ASCII,
 * half-width katakana to full-width), hiragana as katakana, lower case, no spaces. So
 * 「なよろ タロウ」（全角スペースも）, 「ﾅﾖﾛ ﾀﾛｳ」 and 「ナヨロタロウ」 are one key. The staff search builds the
 * same key in SQL (server/features/support/service.ts).
 */
export function searchKey(text: string): string {
  return toKatakana(text.normalize('NFKC')).toLowerCase().replace(/\s/g, '');
}
