import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import type { Config } from '../config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from '../db/client.js';
import { errorKind } from '../db/errors.js';
import { migrate } from '../db/migrate.js';
import { demoFaucetStillIn, isDatabaseEmpty, loadDemoUtility } from '../demo/load.js';
import { createHttpServer } from '../http.js';
import type { Logger } from '../log/logger.js';
import { createMailer } from '../mail/transport.js';
import { startNoticeWorker } from '../jobs/notice-worker.js';
import { schedulePruning } from '../jobs/prune.js';
import { scheduleTransferNotices } from '../jobs/transfer-notices.js';
import { sweepAbandonedUploads, uploadsDirOf } from '../features/imports/upload.js';

const clientDir = fileURLToPath(new URL('../../build', import.meta.url));

export interface Portal {
  server: Server;
  database: DatabaseHandle;
  port: number;
  /** Stops the background jobs (the notices worker, pruning), waiting for a delivery batch under way. */
  stopJobs(): Promise<void>;
  /** Set when this start filled an empty embedded database with the demo utility. */
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

/** Opens and migrates the database, then serves the app and the API on config.port. */
export async function startPortal(config: Config, logger: Logger): Promise<Portal> {
  let database: DatabaseHandle;
  let demo: Portal['demo'];
  try {
    database = await openDatabase(configuredTarget(config, 'server'));
    const { applied } = await migrate(database.db);
    logger.info({ driver: database.driver, migrationsApplied: applied }, 'database ready');
    // Only the embedded database gets demo data by itself; a real server never does.
    if (!config.databaseUrl && (await isDatabaseEmpty(database.db))) {
      demo = await loadDemoUtility(database.db, config.profile, config.dataDir, new Date(), (message) => logger.info(message));
      logger.info(demo, 'demo utility loaded');
    } else if (!config.databaseUrl) {
      demo = await demoFaucetStillIn(database.db, config.profile, new Date());
    }
  } catch (error) {
    throw new DatabaseUnavailable('cannot open, migrate or fill the database', { cause: error });
  }
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
  const swept = await sweepAbandonedUploads(uploadsDirOf(config.dataDir), new Date());
  if (swept > 0) logger.info({ swept }, 'abandoned uploads removed');
  const mailer = createMailer(config, logger);
  const noticeWorker = startNoticeWorker({ db: database.db, config, mailer, logger });
  const stopJobs = async () => {
    stopPruning();
    stopTransferNotices();
    await noticeWorker.stop();
  };
  const server = createHttpServer({ config, database, logger, mailer, clientDir });
  await listen(server, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, origin: config.origin, profile: config.profileSource }, 'listening');
  return { server, database, port, stopJobs, demo };
}
