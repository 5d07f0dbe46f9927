import type { Localized } from './localized';

/**
 * The characters no text may hold that a person typed or a billing system wrote: control
 * characters (C0, DEL, C1), and the bidirectional controls U+202A–U+202E and U+2066–U+2069,
 * which make a name or an address show in another order than it is stored and read. One rule
 * for every form field, every clerk's reason and note, and every import cell; an import cell,
 * which may span lines, keeps its tabs and line ends.
 */
const inLine = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const inLines = /(?![\t\n\r])[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

/** The first character the rule refuses, as U+XXXX, or null. */
export function forbiddenCharacter(text: string, lines = false): string | null {
  const found = (lines ? inLines : inLine).exec(text);
  return found ? `U+${found[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}` : null;
}

/** Why a typed field's text is refused, naming the field and the character; null when it is fine. */
export function typedTextProblem(text: string, field: Localized): Localized | null {
  const code = forbiddenCharacter(text);
  if (code === null) return null;
  return {
    ja: `${field.ja}に使えない文字（制御文字 ${code}）が含まれています。入力し直してください`,
    en: `${field.en}: contains a character that cannot be used (control character ${code}); please type it again`
  };
}

/** The names the refusals give the typed fields outside the procedure forms. */
export const typedFieldNames = {
  nickname: { ja: 'ニックネーム', en: 'Nickname' },
  label: { ja: '水栓の名前', en: 'Faucet name' },
  reason: { ja: '理由', en: 'Reason' },
  note: { ja: 'お客様へのメモ', en: 'Note to the customer' }
} satisfies Record<string, Localized>;
