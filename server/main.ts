import { loadConfigOrExit } from './config.js';
import type { DatabaseHandle } from './db/client.js';
import { createLogger, type Logger } from './logger.js';
import { DatabaseUnavailable, startPortal } from './portal.js';
import { shutdownGracefully } from './shutdown.js';
import type { Server } from 'node:http';

/** In-flight requests get this long to finish after SIGTERM before the process exits anyway. */
const SHUTDOWN_GRACE_MS = 10_000;

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
  try {
    const { server, database, demo } = await startPortal(config, logger);
    if (demo) {
      process.stdout.write(
        `\nデモの水栓番号 ${demo.faucetNo}・電話番号 ${demo.phone} で会員登録を試せます。\n` +
          `Try sign-up with the demo faucet number ${demo.faucetNo} and phone number ${demo.phone}.\n\n`
      );
    }
    stopOnSignals(server, database, logger);
  } catch (error) {
    if (!(error instanceof DatabaseUnavailable)) throw error;
    logger.fatal({ err: error.cause }, error.message);
    process.exit(1);
  }
}

await main();
