import type { IncomingMessage } from 'node:http';
import { initTRPC, TRPCError } from '@trpc/server';
import type { Config } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import type { Logger } from './logger.js';

export interface Services {
  config: Config;
  database: DatabaseHandle;
  logger: Logger;
}

export interface Context extends Services {
  /** The Origin header as sent; null when the browser sent none. */
  origin: string | null;
}

export function createContextFactory(services: Services) {
  return ({ req }: { req: IncomingMessage }): Context => ({
    ...services,
    origin: typeof req.headers.origin === 'string' ? req.headers.origin : null
  });
}

const t = initTRPC.context<Context>().create();

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
