import type { Server } from 'node:http';
import type { DatabaseHandle } from '../db/client.js';
import type { Logger } from '../log/logger.js';

/**
 * Stops taking connections, lets the requests already running finish (up to graceMs, then
 * cuts them), stops the background jobs, and closes the database only after the last response
 * went out and the last job's batch is recorded.
 */
export async function shutdownGracefully(
  server: Server,
  database: DatabaseHandle,
  logger: Logger,
  graceMs: number,
  stopJobs: () => Promise<void> = async () => {}
): Promise<void> {
  logger.info('shutting down: finishing in-flight requests');
  const forced = setTimeout(() => {
    logger.warn('grace period over; closing remaining connections');
    server.closeAllConnections();
  }, graceMs);
  // A keep-alive connection turns idle when its last response is out; close it then, not
  // after the keep-alive timeout.
  const sweeper = setInterval(() => server.closeIdleConnections(), 50);
  try {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  } finally {
    clearTimeout(forced);
    clearInterval(sweeper);
  }
  await stopJobs();
  await database.close();
  logger.info('stopped');
}
