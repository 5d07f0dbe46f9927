import type { Localized } from '../src/lib/shared/localized.js';

/** What kind of refusal it is; trpc.ts turns each kind into its tRPC code and HTTP status. */
export type RefusalKind = 'bad-input' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'too-many';

/**
 * A refusal the customer can act on: what went wrong in both languages, and the form field
 * it belongs next to. Services throw it without knowing how it travels, so the CLI, the jobs
 * and the tests can call them without tRPC.
 */
export class RefusalError extends Error {
  constructor(
    readonly kind: RefusalKind,
    readonly reason: Localized,
    readonly field?: string,
    readonly retryAfterSeconds?: number,
    /** A form's every problem, each next to its field; reason and field above are the first. */
    readonly problems?: { field: string; reason: Localized }[]
  ) {
    super(reason.en);
    this.name = 'RefusalError';
  }
}
