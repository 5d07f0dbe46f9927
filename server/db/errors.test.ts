import { describe, expect, it } from 'vitest';
import { errorKind, isDatabaseUnreachable } from './errors.js';

/** An error as drizzle hands it on: its own, holding the SQL, with the driver's as its cause. */
function wrapped(code: string): Error {
  return new Error('Failed query: select * from customers where email = $1\nparams: someone@example.jp', {
    cause: Object.assign(new Error('driver error'), { code })
  });
}

describe('isDatabaseUnreachable', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_DESTROYED', 'CONNECT_TIMEOUT', '57P01', '57P03', '08006', '08001', '53300'])(
    '%s: the database is away, for now',
    (code) => {
      expect(isDatabaseUnreachable(wrapped(code))).toBe(true);
    }
  );

  it.each(['23505', '22021', '40001', '42P01', 'ERR_INVALID_ARG_TYPE', 'ENOENT'])('%s: the statement failed, not the connection', (code) => {
    expect(isDatabaseUnreachable(wrapped(code))).toBe(false);
  });

  it('an error with no code is not an outage, and its message stays out of its kind', () => {
    expect(isDatabaseUnreachable(new TypeError('x is undefined'))).toBe(false);
    expect(errorKind(wrapped('ECONNREFUSED'))).toEqual({ kind: 'Error', code: 'ECONNREFUSED' });
  });
});
