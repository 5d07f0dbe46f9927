import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { getTRPCErrorFromUnknown, initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import type { Localized } from '../src/lib/shared/localized.js';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import { isDatabaseUnreachable } from './db/errors.js';
import { clientAddress } from './http/client-address.js';
import { inputProblem } from './http/input-text.js';
import { RefusalError, type RefusalKind } from './errors.js';
import { readSessionToken, sessionCookie, sessionCustomer, sessionEndedRefusal } from './sessions/sessions.js';
import { readStaffSessionToken, staffOfSession, staffSessionCookie, type StaffMember } from './sessions/staff-sessions.js';
import type { Logger } from './log/logger.js';
import type { Mailer } from './mail/transport.js';
import type { ServiceDeps } from './service-deps.js';

export interface Services {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  mailer: Mailer;
}

/** What a call may ask of the HTTP request it came in: each read off the request only when asked. */
export interface RequestFacts {
  /** The Origin header as sent; null when the browser sent none. */
  readonly origin: string | null;
  /** The request's headers: where an input whose body is a file (the import upload) has its other fields. */
  readonly headers: IncomingHttpHeaders;
  /** Who is asking, for the per-client limits: the client's address (http/client-address.ts). */
  readonly clientKey: string;
  readonly sessionToken: string | null;
  /** Replaces the session cookie (log-in, rotation) or clears it (null). */
  setSessionCookie(token: string | null): void;
  /** The staff console's own cookie: a customer session never stands for staff, nor the other way round. */
  readonly staffSessionToken: string | null;
  setStaffSessionCookie(token: string | null): void;
}

/**
 * tRPC copies the context, key by key, every time a middleware adds to it (the session guards
 * do, for every signed-in call): the context is the services and two more keys, and what comes
 * from the request sits behind `request`, read when a procedure asks (a pull never asks for the
 * client's address or the staff cookie).
 */
export interface Context extends Services {
  request: RequestFacts;
  /** Names this request in the log and in the answer to an unexpected error, to quote to the utility. */
  requestId: string;
}

class IncomingRequestFacts implements RequestFacts {
  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly config: Config
  ) {}
  get origin() {
    return typeof this.req.headers.origin === 'string' ? this.req.headers.origin : null;
  }
  get headers() {
    return this.req.headers;
  }
  get clientKey() {
    return clientAddress(this.req.socket.remoteAddress, this.req.headers['x-forwarded-for'], this.config.trustProxy);
  }
  get sessionToken() {
    return readSessionToken(this.req, this.config.origin);
  }
  setSessionCookie(token: string | null) {
    this.res.appendHeader('Set-Cookie', sessionCookie(this.config.origin, token));
  }
  get staffSessionToken() {
    return readStaffSessionToken(this.req, this.config.origin);
  }
  setStaffSessionCookie(token: string | null) {
    this.res.appendHeader('Set-Cookie', staffSessionCookie(this.config.origin, token));
  }
}

export function createContextFactory(services: Services) {
  const { config, database, logger, mailer } = services;
  return ({ req, res }: { req: IncomingMessage; res: ServerResponse }): Context => ({
    config,
    database,
    logger,
    mailer,
    request: new IncomingRequestFacts(req, res, config),
    requestId: randomUUID()
  });
}

/** What a procedure hands its service: the same for every feature, with this call's clock reading. */
export function serviceDeps(ctx: Context): ServiceDeps {
  return { db: ctx.database.db, config: ctx.config, mailer: ctx.mailer, logger: ctx.logger, now: new Date(), clientKey: ctx.request.clientKey };
}

/** What an unexpected error tells the browser: nothing of the error itself, and a number to quote. */
export function internalErrorReason(requestId: string): Localized {
  return {
    ja: `サーバーで問題が起きました。しばらくしてからもう一度お試しください。続く場合は受付番号 ${requestId} をお伝えください`,
    en: `Something went wrong on our side. Please try again later; if it goes on, quote reference ${requestId}`
  };
}

/** How long a client is asked to wait (Retry-After) while the database is away: a restart or fail-over takes seconds. */
export const UNAVAILABLE_RETRY_SECONDS = 5;

const unavailableReason: Localized = {
  ja: '一時的にご利用いただけません。しばらくしてからもう一度お試しください',
  en: 'Temporarily unavailable. Please try again in a moment'
};

const inputReasons = {
  tooLong: { ja: '入力が長すぎます', en: 'This is too long' },
  form: { ja: '入力の形式が正しくありません', en: 'The input is not in the expected form' }
} satisfies Record<string, Localized>;

/** A refusal of the input schema (wrong type, too long, a typed field's own reason), next to the field it is about. */
function schemaRefusal(error: ZodError) {
  const [issue] = error.issues;
  const field = typeof issue?.path[0] === 'string' ? issue.path[0] : null;
  const tooLong = issue?.code === 'too_big' && issue.origin === 'string';
  const own = issue?.code === 'custom' ? (issue.params?.reason as Localized | undefined) : undefined;
  return { reason: own ?? (tooLong ? inputReasons.tooLong : inputReasons.form), field };
}

const t = initTRPC.context<Context>().create({
  // A browser never gets a server stack trace, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error, ctx }) {
    // The app shows `reason` next to `field`, in the customer's language.
    if (error.cause instanceof RefusalError) {
      const { reason, field, retryAfterSeconds, problems } = error.cause;
      return {
        ...shape,
        data: { ...shape.data, reason, field: field ?? null, retryAfterSeconds: retryAfterSeconds ?? null, ...(problems ? { problems } : {}) }
      };
    }
    if (error.code === 'BAD_REQUEST' && error.cause instanceof ZodError) {
      return { ...shape, data: { ...shape.data, ...schemaRefusal(error.cause), retryAfterSeconds: null } };
    }
    if (error.code === 'SERVICE_UNAVAILABLE') {
      return { ...shape, message: unavailableReason.en, data: { ...shape.data, reason: unavailableReason, field: null, retryAfterSeconds: UNAVAILABLE_RETRY_SECONDS } };
    }
    if (error.code === 'INTERNAL_SERVER_ERROR') {
      // The message of a failed query holds its SQL and parameters: it never leaves the server.
      const requestId = ctx?.requestId ?? randomUUID();
      const reason = internalErrorReason(requestId);
      return { ...shape, message: reason.en, data: { ...shape.data, reason, field: null, retryAfterSeconds: null, requestId } };
    }
    return shape;
  }
});

export const router = t.router;
/** One path for procedures of two features (auth.me is the account's, beside auth's own). */
export const mergeRouters = t.mergeRouters;

const refusalCodes = {
  'bad-input': 'BAD_REQUEST',
  unauthorized: 'UNAUTHORIZED',
  forbidden: 'FORBIDDEN',
  'not-found': 'NOT_FOUND',
  conflict: 'CONFLICT',
  'too-many': 'TOO_MANY_REQUESTS'
} as const satisfies Record<RefusalKind, TRPCError['code']>;

/**
 * How an error leaves a procedure: a service's refusal (server/errors.ts: services refuse
 * without knowing how the refusal travels) as its tRPC code, and with it the HTTP status; a
 * database that cannot be reached as 503, which clients retry (the app's outbox resends on any
 * 5xx), instead of a 500 with a reference to quote, since it is no fault of the request.
 */
function travelling(error: TRPCError): TRPCError {
  if (error.cause instanceof RefusalError) {
    return new TRPCError({ code: refusalCodes[error.cause.kind], message: error.cause.message, cause: error.cause });
  }
  if (error.code === 'INTERNAL_SERVER_ERROR' && isDatabaseUnreachable(error)) {
    return new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'database unreachable', cause: error.cause });
  }
  return error;
}

interface EdgeOptions {
  ctx: Context;
  type: 'query' | 'mutation' | 'subscription';
  getRawInput: () => Promise<unknown>;
}

/**
 * What every call passes before its procedure runs, and how its errors leave (above): a
 * mutation must come from a page of our own origin (a browser always sends Origin on a
 * cross-site POST, so a foreign or missing Origin is refused before any work is done), and no
 * field may hold U+0000 or a lone surrogate. `proceed` is the rest of the call: a guard's
 * sign-in check and `next()`.
 *
 * One middleware rather than one for each of these: tRPC copies a call's options twice at
 * every level of middleware, and in the sync bench's profile those copies were about 8 % of a
 * no-change pull's CPU with five levels before the input's.
 */
async function atTheEdge<Result extends { ok: true } | { ok: false; error: TRPCError }>(
  { ctx, type, getRawInput }: EdgeOptions,
  proceed: () => Promise<Result>
): Promise<Result> {
  let result: Result;
  try {
    if (type === 'mutation' && ctx.request.origin !== ctx.config.origin) {
      throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
    }
    const problem = inputProblem(await getRawInput());
    if (problem) throw new RefusalError('bad-input', problem.reason, problem.field ?? undefined);
    result = await proceed();
  } catch (cause) {
    throw travelling(getTRPCErrorFromUnknown(cause));
  }
  if (!result.ok) throw travelling(result.error);
  return result;
}

export const publicProcedure = t.procedure.use((opts) => atTheEdge(opts, () => opts.next()));

/** The customer a session token proves, or null. */
function customerOf(ctx: Context, sessionToken: string | null): Promise<number | null> {
  return sessionToken ? sessionCustomer(ctx.database.db, sessionToken, new Date()) : Promise.resolve(null);
}

/** The customer the request's session cookie proves, or null. */
export function signedInCustomer(ctx: Context): Promise<number | null> {
  return customerOf(ctx, ctx.request.sessionToken);
}

/**
 * A signed-in customer: ctx.customerId is proven by the session cookie, and every query is
 * scoped to it. The guard hands on only what it adds; tRPC merges it into the context.
 */
export const customerProcedure = t.procedure.use((opts) =>
  atTheEdge(opts, async () => {
    const sessionToken = opts.ctx.request.sessionToken;
    const customerId = await customerOf(opts.ctx, sessionToken);
    if (customerId === null) throw sessionEndedRefusal;
    return opts.next({ ctx: { customerId, sessionToken: sessionToken! } });
  })
);

function staffOf(ctx: Context, staffSessionToken: string | null): Promise<StaffMember | null> {
  return staffSessionToken ? staffOfSession(ctx.database.db, staffSessionToken, new Date()) : Promise.resolve(null);
}

/** The staff member the request's staff cookie proves, or null. */
export function signedInStaff(ctx: Context): Promise<StaffMember | null> {
  return staffOf(ctx, ctx.request.staffSessionToken);
}

const staffSignedOut = new RefusalError('unauthorized', {
  ja: '職員としてログインしてください（8時間または30分操作がないとログアウトします）',
  en: 'Please log in as staff (sessions end after 8 hours, or 30 minutes without use)'
});

/**
 * Signed in as staff, perhaps still holding a one-time password: only what it takes to choose a
 * new password (and to log out) is built on this. Reads the staff cookie, never the customers'.
 */
export const staffSessionProcedure = t.procedure.use((opts) =>
  atTheEdge(opts, async () => {
    const staffSessionToken = opts.ctx.request.staffSessionToken;
    const member = await staffOf(opts.ctx, staffSessionToken);
    if (member === null) throw staffSignedOut;
    return opts.next({ ctx: { staff: member, staffSessionToken: staffSessionToken! } });
  })
);

/** A staff member who has chosen their own password: every console action. */
export const staffProcedure = staffSessionProcedure.use(({ ctx, next }) => {
  if (ctx.staff.mustChangePassword) {
    throw new RefusalError('forbidden', { ja: '最初にパスワードを変更してください', en: 'Please change your password first' }, 'newPassword');
  }
  return next();
});

/** An admin: staff accounts and the audit log. */
export const adminProcedure = staffProcedure.use(({ ctx, next }) => {
  if (ctx.staff.role !== 'admin') {
    throw new RefusalError('forbidden', { ja: 'この操作は管理者だけができます', en: 'Only an admin may do this' });
  }
  return next();
});
