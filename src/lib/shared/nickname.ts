import type { Localized } from './localized';

/** The longest nickname, counted once its surrounding spaces are trimmed: the sign-up and settings forms and both services hold to it. */
export const NICKNAME_MAX = 30;

export const nicknameProblem: Localized = {
  ja: `ニックネームは1〜${NICKNAME_MAX}文字で入力してください`,
  en: `Use 1 to ${NICKNAME_MAX} characters for the nickname`
};

/** A nickname as it is stored: trimmed. Undefined when nothing is left or it is too long. */
export function nickname(text: string): string | undefined {
  const trimmed = text.trim();
  return trimmed.length === 0 || trimmed.length > NICKNAME_MAX ? undefined : trimmed;
}
