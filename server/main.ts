import { loadConfigOrExit } from './config.js';
import { checkDataDir } from './lifecycle/data-dir.js';
import { EmbeddedDatabaseBusy } from './db/owner.js';
import { UpgradeNeedsOneUtility } from './db/migrate.js';
import { createLogger, type Logger } from './log/logger.js';
import { DatabaseUnavailable, startPortal, type Portal } from './lifecycle/portal.js';
import { shutdownGracefully } from './lifecycle/shutdown.js';
import { startBanner } from './lifecycle/start-banner.js';

/** In-flight requests get this long to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

function stopOnSignals({ server, database, stopJobs }: Pick<Portal, 'server' | 'database' | 'stopJobs'>, logger: Logger) {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'signal received');
    shutdownGracefully(server, database, logger, SHUTDOWN_GRACE_MS, stopJobs).then(
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
  const config = loadConfigOrExit(checkDataDir);
  const logger = createLogger(config.logLevel);
  try {
    const portal = await startPortal(config, logger);
    process.stdout.write(startBanner(portal.utilities));
    stopOnSignals(portal, logger);
  } catch (error) {
    if (!(error instanceof DatabaseUnavailable)) throw error;
    if (error.cause instanceof EmbeddedDatabaseBusy || error.cause instanceof UpgradeNeedsOneUtility) {
      process.stderr.write(`Cannot start: ${error.cause.message}\n`);
      process.exit(1);
    }
    logger.fatal({ err: error.cause }, error.message);
    process.exit(1);
  }
}

await main();
