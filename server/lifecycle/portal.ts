import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { utilityIds, type Config, type ConfiguredUtility, type UtilityProfile } from '../config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from '../db/client.js';
import { errorKind } from '../db/errors.js';
import { migrate } from '../db/migrate.js';
import { demoFaucetStillIn, isDatabaseEmpty, loadDemoUtility } from '../demo/load.js';
import { createHttpServer } from '../http.js';
import type { Logger } from '../log/logger.js';
import { createMailer, type Mailer } from '../mail/transport.js';
import { startNoticeWorker } from '../jobs/notice-worker.js';
import { defaultSendingThreads } from '../push/send-threads.js';
import { schedulePruning } from '../jobs/prune.js';
import { scheduleTransferNotices } from '../jobs/transfer-notices.js';
import { sweepAbandonedUploads, uploadsDirOf } from '../features/imports/upload.js';

const clientDir = fileURLToPath(new URL('../../build', import.meta.url));

export interface Portal {
  server: Server;
  /** The database as its owner has it (migrated at start); each utility queries its own share of it. */
  database: DatabaseHandle;
  port: number;
  /** Stops the background jobs (the notices worker, pruning), waiting for a delivery batch under way. */
  stopJobs(): Promise<void>;
  /** Each utility served, where, and (while its demo is in an embedded database) its demo faucet to sign up with. */
  utilities: ServedUtility[];
}

export interface ServedUtility {
  id: string;
  name: UtilityProfile['name'];
  origin: string;
  demo?: { faucetNo: string; phone: string };
}

/** Thrown when the database cannot be opened, migrated or filled: the portal cannot serve. */
export class DatabaseUnavailable extends Error {}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Where a utility answers on host: ORIGIN with that host name (scheme and port kept); ORIGIN itself for the utility of every other host. */
function originOn(origin: string, host: string | undefined): string {
  if (!host) return origin;
  const url = new URL(origin);
  url.hostname = host;
  return url.origin;
}

/** The configuration as one utility's requests and jobs see it: its own profile, and its origin on host. */
function configOf(config: Config, utility: ConfiguredUtility, host: string | undefined): Config {
  return { ...config, profile: utility.profile, profileSource: utility.source, origin: originOn(config.origin, host) };
}

/** The embedded database gets each utility's demo while that utility has no faucets; a real server never does. */
async function demoOf(config: Config, db: DatabaseHandle['db'], logger: Logger): Promise<ServedUtility['demo']> {
  if (config.databaseUrl) return undefined;
  const now = new Date();
  if (!(await isDatabaseEmpty(db))) return demoFaucetStillIn(db, config.profile, now);
  const demo = await loadDemoUtility(db, config.profile, config.dataDir, now, (message) =>
    logger.info({ utility: config.profile.id }, message)
  );
  logger.info({ utility: config.profile.id, ...demo }, 'demo utility loaded');
  return demo;
}

/** A utility's background work: pruning, its transfer notices, its notices worker. */
function startJobs(config: Config, database: DatabaseHandle, mailer: Mailer, logger: Logger, pushThreads: number): () => Promise<void> {
  // The kind only, in the jobs' logs too: a failed statement's message holds its SQL.
  const stopPruning = schedulePruning(database.db, (error) => logger.error(errorKind(error), 'pruning failed'));
  const stopTransferNotices = scheduleTransferNotices(
    database.db,
    config.profile,
    (made) => {
      if (made > 0) logger.info({ made }, 'transfer notices made');
    },
    (error) => logger.error(errorKind(error), 'transfer notices failed')
  );
  const noticeWorker = startNoticeWorker({ db: database.db, config, mailer, logger, pushThreads });
  return async () => {
    stopPruning();
    stopTransferNotices();
    await noticeWorker.stop();
  };
}

/**
 * Opens and migrates the database, then serves every configured utility on its hosts, on
 * config.port, each through its share of the database (as portal_app, set to the utility).
 */
export async function startPortal(config: Config, logger: Logger): Promise<Portal> {
  let database: DatabaseHandle;
  const shares: { config: Config; utility: ConfiguredUtility; database: DatabaseHandle; demo: ServedUtility['demo'] }[] = [];
  // A pool of PostgreSQL connections for each utility, together about what one utility had alone.
  const connections = Math.max(2, Math.ceil(10 / config.utilities.length));
  try {
    database = await openDatabase(configuredTarget(config, 'server'));
    const { applied } = await migrate(database.db, utilityIds(config));
    logger.info({ driver: database.driver, migrationsApplied: applied }, 'database ready');
    for (const utility of config.utilities) {
      const own = configOf(config, utility, utility.profile.hosts?.[0]);
      const share = await database.forUtility(utility.profile.id, connections);
      shares.push({ config: own, utility, database: share, demo: await demoOf(own, share.db, logger) });
    }
  } catch (error) {
    throw new DatabaseUnavailable('cannot open, migrate or fill the database', { cause: error });
  }
  const swept = await sweepAbandonedUploads(uploadsDirOf(config.dataDir), new Date());
  if (swept > 0) logger.info({ swept }, 'abandoned uploads removed');
  // The utilities' notices workers share the cores one would have alone.
  const pushThreads = Math.max(1, Math.floor(defaultSendingThreads() / shares.length));
  const served = shares.map((share) => {
    const utilityLogger = config.utilities.length > 1 ? logger.child({ utility: share.utility.profile.id }) : logger;
    const mailer = createMailer(share.config, utilityLogger);
    return { ...share, logger: utilityLogger, mailer, stopJobs: startJobs(share.config, share.database, mailer, utilityLogger, pushThreads) };
  });
  const stopJobs = async () => {
    await Promise.all(served.map((utility) => utility.stopJobs()));
  };
  // Each host of a utility is a portal of its own origin (cookies, links, the CSRF check), on the utility's database and mail.
  const server = createHttpServer(
    served.flatMap(({ utility, database: share, logger: utilityLogger, mailer }) =>
      (utility.profile.hosts ?? [undefined]).map((host) => ({
        host,
        services: { config: configOf(config, utility, host), database: share, logger: utilityLogger, mailer },
        clientDir
      }))
    )
  );
  await listen(server, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const utilities = shares.map(({ config: own, utility, demo }) => ({ id: utility.profile.id, name: utility.profile.name, origin: own.origin, demo }));
  logger.info({ port, utilities: utilities.map(({ id, origin }) => ({ id, origin })) }, 'listening');
  // Closing the portal's database closes each utility's share first (its own pool on PostgreSQL).
  const owner = database;
  const closeAll: DatabaseHandle = {
    ...owner,
    async close() {
      await Promise.all(shares.map((share) => share.database.close()));
      await owner.close();
    }
  };
  return { server, database: closeAll, port, stopJobs, utilities };
}
