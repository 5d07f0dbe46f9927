import type { IncomingMessage, ServerResponse } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import { clientAddress } from './domain/client-address.js';
import { UserFacingError } from './features/auth/errors.js';
import { readSessionToken, sessionCookie, sessionCustomer } from './features/auth/sessions.js';
import type { Logger } from './logger.js';
import type { Mailer } from './mail/transport.js';

export interface Services {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
  mailer: Mailer;
}

export interface Context extends Services {
  /** The Origin header as sent; null when the browser sent none. */
  origin: string | null;
  /** Who is asking, for the per-client limits: the client's address (domain/client-address.ts). */
  clientKey: string;
  sessionToken: string | null;
  /** Replaces the session cookie (log-in, rotation) or clears it (null). */
  setSessionCookie(token: string | null): void;
}

export function createContextFactory(services: Services) {
  return ({ req, res }: { req: IncomingMessage; res: ServerResponse }): Context => ({
    ...services,
    origin: typeof req.headers.origin === 'string' ? req.headers.origin : null,
    clientKey: clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], services.config.trustProxy),
    sessionToken: readSessionToken(req, services.config.origin),
    setSessionCookie: (token) => res.appendHeader('Set-Cookie', sessionCookie(services.config.origin, token))
  });
}

const t = initTRPC.context<Context>().create({
  // A browser never gets a server stack trace, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    // The app shows `reason` next to `field`, in the customer's language.
    const facing = error instanceof UserFacingError ? error : error.cause instanceof UserFacingError ? error.cause : null;
    return facing
      ? { ...shape, data: { ...shape.data, reason: facing.reason, field: facing.field ?? null, retryAfterSeconds: facing.retryAfterSeconds ?? null } }
      : shape;
  }
});

export const router = t.router;

/**
 * Every mutation must come from a page of our own origin: a browser always sends Origin on
 * a cross-site POST, so a foreign or missing Origin is refused before any work is done.
 */
const sameOriginMutations = t.middleware(({ ctx, type, next }) => {
  if (type === 'mutation' && ctx.origin !== ctx.config.origin) {
    throw new TRPCError({ code: 'FORBIDDEN', message: 'cross-origin request refused' });
  }
  return next();
});

export const publicProcedure = t.procedure.use(sameOriginMutations);

/** A signed-in customer: ctx.customerId is proven by the session cookie, and every query is scoped to it. */
export const customerProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const customerId = ctx.sessionToken ? await sessionCustomer(ctx.database.db, ctx.sessionToken, new Date()) : null;
  if (customerId === null) {
    throw new UserFacingError('UNAUTHORIZED', {
      ja: 'ログインしてください（一定時間が過ぎたか、ログアウトしました）',
      en: 'Please log in (your session has ended)'
    });
  }
  return next({ ctx: { ...ctx, customerId, sessionToken: ctx.sessionToken! } });
});
