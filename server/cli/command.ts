import { loadConfigOrExit, type Config } from '../config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrate } from '../db/migrate.js';

/** What every command starts with: the checked configuration and a migrated database. */
export async function openForCommand(): Promise<{ config: Config; database: DatabaseHandle }> {
  const config = loadConfigOrExit();
  const database = await openDatabase(configuredTarget(config));
  await migrate(database.db);
  return { config, database };
}
