/** Hiragana ぁ (U+3041) … ゖ (U+3096) and the katakana at the same offsets ァ (U+30A1) … ヶ (U+30F6). */
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index)).join('');
export const HIRAGANA = span(0x3041, 0x3096);
export const KATAKANA = span(0x30a1, 0x30f6);

/** ひらがな → カタカナ; everything else as it is. */
export function toKatakana(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (char) => String.fromCodePoint(char.codePointAt(0)! + 0x60));
}

/**
 * Variant kanji of family and place names (異体字) and the common form a clerk types for each,
 * at the same positions: 髙橋 is found by 高橋. Compatibility ideographs that NFKC already maps
 * (e.g. 神 U+FA19) need no entry; 﨑 (U+FA11) is one NFKC leaves alone.
 */
export const KANJI_VARIANTS = '髙﨑嵜德邊邉濵濱齋齊國澤嶋嶌櫻廣眞惠瀨冨實榮藏圓𠮷';
export const KANJI_COMMON = '高崎崎徳辺辺浜浜斎斉国沢島島桜広真恵瀬富実栄蔵円吉';
const commonKanji = new Map([...KANJI_VARIANTS].map((variant, index) => [variant, [...KANJI_COMMON][index]!]));
const variantKanji = new RegExp(`[${KANJI_VARIANTS}]`, 'gu');

/**
 * What a name is compared by in a search: NFKC (full-width letters and digits to ASCII,
 * half-width katakana to full-width), variant kanji as their common form, hiragana as katakana,
 * lower case, no spaces. So 「なよろ タロウ」（全角スペースも）, 「ﾅﾖﾛ ﾀﾛｳ」 and 「ナヨロタロウ」 are one
 * key, and 「髙橋」 and 「高橋」 another. The generated search_key columns build the same key in SQL
 * (server/db/schema.ts).
 */
export function searchKey(text: string): string {
  const normalized = text.normalize('NFKC').replace(variantKanji, (variant) => commonKanji.get(variant)!);
  return toKatakana(normalized).toLowerCase().replace(/\s/g, '');
}
