/**
 * What a failed statement may tell a log or a caller. drizzle wraps the driver's error in one
 * whose message holds the SQL and every parameter (a password hash, an address): only the
 * driver's SQLSTATE (or system code) and the error's class are taken from it, never its message.
 */
export interface ErrorKind {
  /** DatabaseError for anything with a SQLSTATE, else the error's class (TypeError …). */
  kind: string;
  /** SQLSTATE for a database error (23505 unique violation, 22021 bad byte sequence …), or a system code (ECONNREFUSED). */
  code?: string;
}

function innermost(error: unknown): unknown {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause !== undefined; depth += 1) current = current.cause;
  return current;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

export function errorKind(error: unknown): ErrorKind {
  const inner = innermost(error);
  const code = inner !== null && typeof inner === 'object' && 'code' in inner && typeof inner.code === 'string' ? inner.code : undefined;
  // PGlite's error class has a minified name: a SQLSTATE says more.
  if (code !== undefined && SQLSTATE.test(code)) return { kind: 'DatabaseError', code };
  const kind = inner instanceof Error ? inner.constructor.name : typeof inner;
  return code === undefined ? { kind } : { kind, code };
}

export function isUniqueViolation(error: unknown): boolean {
  return errorKind(error).code === '23505';
}

/** A row referring to one that is gone (23503), such as a session ended a moment before. */
export function isForeignKeyViolation(error: unknown): boolean {
  return errorKind(error).code === '23503';
}

/**
 * Codes that say the database could not be reached or dropped the connection, not that the
 * statement was wrong: the node socket's, postgres.js's own, SQLSTATE class 08 (connection
 * exception), the server shutting down or starting (57P01–57P03), and too many connections.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '57P01',
  '57P02',
  '57P03',
  '53300'
]);

/** The database is away (for now): the request may well succeed if sent again shortly. */
export function isDatabaseUnreachable(error: unknown): boolean {
  const { code } = errorKind(error);
  return code !== undefined && (UNREACHABLE_CODES.has(code) || (SQLSTATE.test(code) && code.startsWith('08')));
}
