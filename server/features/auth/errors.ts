import { TRPCError } from '@trpc/server';
import type { Localized } from '../../../src/lib/shared/localized.js';

type Code = 'BAD_REQUEST' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'TOO_MANY_REQUESTS';

/**
 * A refusal the customer can act on: what went wrong in both languages, and the form field
 * it belongs next to. The error formatter hands `reason` and `field` to the app.
 */
export class UserFacingError extends TRPCError {
  constructor(
    code: Code,
    readonly reason: Localized,
    readonly field?: string,
    readonly retryAfterSeconds?: number
  ) {
    super({ code, message: reason.en });
  }
}
