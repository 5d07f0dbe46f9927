import { z } from 'zod';
import type { Localized } from '../../src/lib/shared/localized.js';
import { typedFieldNames, typedTextProblem } from '../../src/lib/shared/typed-text.js';

/** What the edge refuses in a request's input, and the form field it belongs next to. */
export interface InputProblem {
  /** The input's top-level key the bad text is under (a form field's name), or null. */
  field: string | null;
  reason: Localized;
}

/** Deeper than any form the app sends; a bound, so a crafted input cannot make the walk expensive. */
export const MAX_INPUT_DEPTH = 16;

const reasons = {
  nul: {
    ja: '使えない文字（制御文字 U+0000）が含まれています。入力し直してください',
    en: 'This contains a character that cannot be used (U+0000); please type it again'
  },
  surrogate: {
    ja: '文字として読めない部分（対になっていないサロゲート）が含まれています。入力し直してください',
    en: 'This contains text that is not a character (a lone surrogate); please type it again'
  },
  deep: {
    ja: '入力の形式が正しくありません（入れ子が深すぎます）',
    en: 'The input is not in the expected form (nested too deeply)'
  }
} satisfies Record<string, Localized>;

function textProblem(text: string): Localized | null {
  if (text.includes('\u0000')) return reasons.nul;
  // PostgreSQL cannot store either, and a lone surrogate is no character a person typed.
  if (!text.isWellFormed()) return reasons.surrogate;
  return null;
}

/**
 * The first text in an input (values and keys, at any depth) that no field may hold: U+0000
 * or a lone surrogate; or an input nested deeper than any form. Checked once at the edge for
 * every procedure, so no feature can forget it and no such text reaches the database.
 */
export function inputProblem(input: unknown): InputProblem | null {
  const pending: { value: unknown; field: string | null; depth: number }[] = [{ value: input, field: null, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, field, depth } = next;
    if (typeof value === 'string') {
      const reason = textProblem(value);
      if (reason) return { field, reason };
      continue;
    }
    if (value === null || typeof value !== 'object') continue;
    if (depth >= MAX_INPUT_DEPTH) return { field, reason: reasons.deep };
    for (const [key, child] of Object.entries(value)) {
      const childField = field ?? key;
      const reason = textProblem(key);
      if (reason) return { field: childField, reason };
      pending.push({ value: child, field: childField, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * The input schema of a field a customer or clerk types (a nickname, a faucet's name, a reason,
 * a note): text of at most `max`, refused with a reason naming the field when it holds a
 * character no typed text may hold (typed-text.ts); trpc.ts answers that reason next to it.
 */
export function typedText(max: number, name: Localized) {
  return z
    .string()
    .max(max)
    .superRefine((text, context) => {
      const reason = typedTextProblem(text, name);
      if (reason) context.addIssue({ code: 'custom', message: reason.en, params: { reason } });
    });
}

/**
 * The fields more than one procedure takes, bounded alike wherever they come in. A bound only
 * keeps a request small: what a field must be (a nickname's length once trimmed, an address's
 * grammar, a password's policy) is its service's rule, answered with its own reason.
 */
export const inputFields = {
  /** An integer column's id: a larger one could never match, and PostgreSQL would fail on it instead. */
  rowId: z.number().int().positive().max(2 ** 31 - 1),
  email: z.string().max(254),
  password: z.string().max(200),
  /** A code from a mail, as typed (full-width digits and spaces are normalised by the service). */
  code: z.string().max(20),
  faucetNo: z.string().max(40),
  phone: z.string().max(40),
  /** Room for the spaces trimmed before the nickname's own limit (src/lib/shared/nickname.ts). */
  nickname: typedText(100, typedFieldNames.nickname),
  /** Room for the spaces trimmed before the label's own limit (src/lib/shared/faucet-label.ts). */
  label: typedText(40, typedFieldNames.label),
  /** Why a staff act was done: the audit log keeps it. */
  reason: typedText(500, typedFieldNames.reason)
};
