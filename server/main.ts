import { fileURLToPath } from 'node:url';
import type { Server } from 'node:http';
import { loadConfigOrExit } from './config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from './db/client.js';
import { migrate } from './db/migrate.js';
import { isDatabaseEmpty, loadDemoUtility } from './features/demo/load.js';
import { createHttpServer } from './http.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer } from './mail/transport.js';
import { schedulePruning } from './jobs/prune.js';
import { shutdownGracefully } from './shutdown.js';

const clientDir = fileURLToPath(new URL('../build', import.meta.url));
/** In-flight requests get this long to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function stopOnSignals(server: Server, database: DatabaseHandle, logger: Logger) {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    shutdownGracefully(server, database, logger, SHUTDOWN_GRACE_MS).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      }
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main() {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  let database: DatabaseHandle;
  try {
    database = await openDatabase(configuredTarget(config));
    const { applied } = await migrate(database.db);
    logger.info({ driver: database.driver, migrationsApplied: applied }, 'database ready');
    // Only the embedded database gets demo data by itself; a real server never does.
    if (!config.databaseUrl && (await isDatabaseEmpty(database.db))) {
      const demo = await loadDemoUtility(database.db, config.profile, config.dataDir, new Date(), (message) =>
        logger.info(message)
      );
      logger.info(demo, 'demo utility loaded');
      process.stdout.write(
        `\nデモの水栓番号 ${demo.faucetNo}・電話番号 ${demo.phone} で会員登録を試せます。\n` +
          `Try sign-up with the demo faucet number ${demo.faucetNo} and phone number ${demo.phone}.\n\n`
      );
    }
  } catch (error) {
    logger.fatal({ err: error }, 'cannot open, migrate or fill the database');
    process.exit(1);
  }
  schedulePruning(database.db, (error) => logger.error({ err: error }, 'pruning failed'));
  const server = createHttpServer({ config, database, logger, mailer: createMailer(config, logger), clientDir });
  await listen(server, config.port);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info({ port, origin: config.origin, profile: config.profileSource }, 'listening');
  stopOnSignals(server, database, logger);
}

await main();
