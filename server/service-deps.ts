import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Logger } from './log/logger.js';
import type { Mailer } from './mail/transport.js';

/**
 * What every feature service takes first, the same way in every feature: trpc.ts builds it
 * for each call (serviceDeps), and the CLI, the jobs and the tests build their own, so a
 * service runs without HTTP. Inside a transaction a service passes `{ ...deps, db: tx }` on.
 */
export interface ServiceDeps {
  /** The database, or the transaction the call runs in. */
  db: Database;
  config: Pick<Config, 'origin' | 'profile' | 'vapid' | 'pushServiceHosts'>;
  mailer: Mailer;
  logger: Logger;
  /** One clock reading for the whole call, so every row it writes agrees on the time. */
  now: Date;
  /** Who is asking, for the per-client limits (server/http/client-address.ts). */
  clientKey: string;
}

/**
 * What a service run by the command line or a job takes: the same fields as ServiceDeps, only
 * those it needs, since no request (and so no client, no mail) stands behind it.
 */
export type JobDeps = Pick<ServiceDeps, 'db' | 'now'>;
