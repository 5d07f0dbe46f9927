import { Cooldown } from './cooldown.svelte';
import { Form } from './form.svelte';

/**
 * The first two steps of a flow that starts by proving an e-mail address (sign-up, 使用開始): the
 * address, then the code from the mail, with its resend wait. A reload at the code step (the mail
 * app opened over the browser, a phone that dropped the tab) comes back to it: only the address
 * is kept, in this tab's session storage, never a ticket. Call stop() when the page goes.
 */
export class EmailConfirmation {
  email = $state('');
  code = $state('');
  /** A new code went to the same address: the page says so instead of "sent to …". */
  resent = $state(false);
  readonly emailForm = new Form(['email'] as const);
  readonly codeForm = new Form(['code'] as const);
  readonly cooldown = new Cooldown();

  constructor(
    private readonly flow: {
      /** The tab's session storage key for the address awaiting its code. */
      storageKey: string;
      requestCode(email: string): Promise<{ resendAfterSeconds: number }>;
      /** The ticket that carries the proof on. */
      verifyCode(email: string, code: string): Promise<string>;
    }
  ) {}

  /** At the page's start: true when a reload left this tab at the code step. */
  resume(): boolean {
    const awaiting = sessionStorage.getItem(this.flow.storageKey);
    if (awaiting === null) return false;
    this.email = awaiting;
    return true;
  }

  /** The server's wait (retryAfterSeconds) wins over our own 60 seconds. */
  #coolDownFrom(retryAfterSeconds: number | null): void {
    if (retryAfterSeconds !== null) this.cooldown.start(retryAfterSeconds);
  }

  /** Step 1: true once a code is on its way. */
  async sendCode(): Promise<boolean> {
    const { email, emailForm } = this;
    if (!emailForm.requireFilled({ email }) || emailForm.email('email', email) === null) return false;
    const outcome = await emailForm.submit(() => this.flow.requestCode(email));
    if (!outcome.ok) {
      this.#coolDownFrom(outcome.refusal.retryAfterSeconds);
      return false;
    }
    this.cooldown.start(outcome.value.resendAfterSeconds);
    this.resent = false;
    this.code = '';
    sessionStorage.setItem(this.flow.storageKey, this.email);
    return true;
  }

  async resend(): Promise<void> {
    this.resent = false;
    const outcome = await this.codeForm.submit(() => this.flow.requestCode(this.email));
    if (!outcome.ok) return this.#coolDownFrom(outcome.refusal.retryAfterSeconds);
    this.cooldown.start(outcome.value.resendAfterSeconds);
    this.resent = true;
    this.code = '';
  }

  /** Step 2: the ticket, or null when the code was refused (next to its field). */
  async verify(): Promise<string | null> {
    const { code, codeForm } = this;
    if (!codeForm.requireFilled({ code })) return null;
    const outcome = await codeForm.submit(() => this.flow.verifyCode(this.email, code));
    if (!outcome.ok) return null;
    sessionStorage.removeItem(this.flow.storageKey);
    return outcome.value;
  }

  /** Back to step 1 for another address: the reload no longer returns to the code step. */
  changeEmail(): void {
    sessionStorage.removeItem(this.flow.storageKey);
  }

  stop(): void {
    this.cooldown.stop();
  }
}
