import { tick } from 'svelte';
import { emailProblem, parseEmail } from '$lib/shared/email';
import type { Localized } from '$lib/shared/localized';
import { refusalOf, type Refusal } from './refusal';
import { texts } from '$lib/i18n/locale.svelte';
import { formsTexts } from '$lib/i18n/ja/forms';

const t = texts(formsTexts);

export type Outcome<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

/**
 * One form's state: busy while it is sent, the server's reasons next to their fields and
 * anything else at the top. Reasons are kept in both languages, so switching the language
 * switches them too.
 */
export class Form<Field extends string> {
  busy = $state(false);
  errors = $state<Partial<Record<Field, Localized>>>({});
  general = $state<Localized | null>(null);
  readonly #fields: readonly Field[];
  #element: HTMLElement | undefined;

  constructor(fields: readonly Field[]) {
    this.#fields = fields;
  }

  /** The form element, so that the first problem can get the focus (`{@attach form.attach}`). */
  attach = (element: HTMLElement) => {
    this.#element = element;
    return () => {
      if (this.#element === element) this.#element = undefined;
    };
  };

  error(field: Field): Localized | null {
    return this.errors[field] ?? null;
  }

  clear(): void {
    this.errors = {};
    this.general = null;
  }

  /** Marks empty required fields before anything is sent (an empty code would use up a try). */
  requireFilled(values: Partial<Record<Field, string | boolean>>): boolean {
    const missing: Partial<Record<Field, Localized>> = {};
    for (const [field, value] of Object.entries(values) as [Field, string | boolean][]) {
      if (value === false) missing[field] = t.both('form.missingConsent');
      else if (typeof value === 'string' && value.trim() === '') missing[field] = t.both('form.missing');
    }
    if (Object.keys(missing).length === 0) return true;
    this.errors = missing;
    this.general = null;
    void this.focusProblem();
    return false;
  }

  /** Refuses a value by the rule the server applies too, before anything is sent. */
  refuse(field: Field, reason: Localized): void {
    this.show({ reason, field, retryAfterSeconds: null, code: null });
  }

  /** Refuses every field a shared check found wrong (src/lib/shared), each next to its own, before anything is sent. */
  refuseEach(problems: readonly { field: string; reason: Localized }[]): void {
    this.errors = Object.fromEntries(problems.map((problem) => [problem.field, problem.reason])) as Partial<Record<Field, Localized>>;
    this.general = null;
    void this.focusProblem();
  }

  /** An e-mail field by the shared grammar: the address as it will be stored, or null after showing why not. */
  email(field: Field, raw: string): string | null {
    const email = parseEmail(raw);
    if (email === null) this.refuse(field, emailProblem);
    return email;
  }

  /** Shows a refusal where it belongs: next to its field if this form has it, else at the top. */
  show(refusal: Refusal): void {
    const field = refusal.field as Field | null;
    if (field !== null && this.#fields.includes(field)) {
      this.errors = { [field]: refusal.reason } as Partial<Record<Field, Localized>>;
      this.general = null;
    } else {
      this.errors = {};
      this.general = refusal.reason;
    }
    void this.focusProblem();
  }

  async submit<T>(action: () => Promise<T>): Promise<Outcome<T>> {
    if (this.busy) return { ok: false, refusal: { reason: t.both('form.busy'), field: null, retryAfterSeconds: null, code: null } };
    this.busy = true;
    this.clear();
    try {
      return { ok: true, value: await action() };
    } catch (error) {
      const refusal = refusalOf(error);
      this.show(refusal);
      return { ok: false, refusal };
    } finally {
      this.busy = false;
    }
  }

  async focusProblem(): Promise<void> {
    await tick();
    const target = this.#element?.querySelector<HTMLElement>('[aria-invalid="true"], [role="alert"]');
    target?.focus();
  }
}
