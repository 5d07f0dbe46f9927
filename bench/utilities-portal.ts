import { loadConfigOrExit } from '../server/config.js';
import { openDatabase } from '../server/db/client.js';
import { startPortal, type ShareOf } from '../server/lifecycle/portal.js';
import { createLogger } from '../server/log/logger.js';

/**
 * The portal of the utilities bench's baseline (bench/scale-utilities.ts): server/main.ts's
 * portal, but each utility's share opened on a database of its own, named in
 * BENCH_UTILITY_DATABASES ({ "<utility id>": "<url>" }), where row-level security is off. Run as
 * a process of its own, as the portal of the measured run is; the bench stops it with SIGTERM.
 */
const databases = JSON.parse(process.env.BENCH_UTILITY_DATABASES ?? '{}') as Record<string, string>;
const ownDatabase: ShareOf = async (_owner, utility, connections) => {
  const url = databases[utility];
  if (!url) throw new Error(`BENCH_UTILITY_DATABASES names no database for ${utility}`);
  return (await openDatabase({ databaseUrl: url, utility })).forUtility(utility, connections);
};

const config = loadConfigOrExit();
await startPortal(config, createLogger(config.logLevel), ownDatabase);
