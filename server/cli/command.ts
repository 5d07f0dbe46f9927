import { loadConfigOrExit, type Config } from '../config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { EmbeddedDatabaseBusy } from '../db/owner.js';

/**
 * What every command starts with: the checked configuration and a migrated database. Beside a
 * running portal on the embedded database, that is the portal's, through its socket.
 */
export async function openForCommand(): Promise<{ config: Config; database: DatabaseHandle }> {
  const config = loadConfigOrExit();
  let database: DatabaseHandle;
  try {
    database = await openDatabase(configuredTarget(config, 'command'));
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusy)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await migrate(database.db);
  return { config, database };
}
