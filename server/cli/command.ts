import { BUILT_IN, loadConfigOrExit, utilityIds, type Config } from '../config.js';
import { configuredTarget, openDatabase, type DatabaseHandle } from '../db/client.js';
import { migrate } from '../db/migrate.js';
import { EmbeddedDatabaseBusy } from '../db/owner.js';
import { exitWithUsage, UsageError } from './usage.js';

/** The option of every command that works for a utility (parseArgs' form). */
export const utilityOption = { utility: { type: 'string' } } as const;

/** How the option reads in a command's usage line. */
export const UTILITY_USAGE = '[--utility ID]';

/**
 * The configuration as the utility a command works for sees it: `--utility ID` picks it among
 * the configured profiles, and must when UTILITY_CONFIG names several (exit 2 with the usage
 * otherwise). With no UTILITY_CONFIG it picks among the built-in demo utilities, the first by
 * default, so the commands `npm start` suggests work as they always did.
 */
export function commandConfig(utility: string | undefined, usage: string): Config {
  const config = loadConfigOrExit();
  const ids = config.utilities.map(({ profile }) => profile.id).join(', ');
  if (utility === undefined) {
    if (config.utilities.length === 1 || config.profileSource === BUILT_IN) return config;
    exitWithUsage(new UsageError(`--utility ID is required: this deployment serves ${ids}`), usage);
  }
  const chosen = config.utilities.find(({ profile }) => profile.id === utility);
  if (!chosen) exitWithUsage(new UsageError(`--utility ${utility}: no such utility (${ids})`), usage);
  return { ...config, profile: chosen.profile, profileSource: chosen.source };
}

/**
 * What every command starts with: a migrated database, and of it the share of the command's
 * utility, which sees and writes that utility's rows only (as the portal's requests do). Beside
 * a running portal on the embedded database, that is the portal's, through its socket.
 */
export async function openForCommand(config: Config): Promise<{ database: DatabaseHandle }> {
  let owner: DatabaseHandle;
  try {
    owner = await openDatabase(configuredTarget(config, 'command'));
  } catch (error) {
    if (!(error instanceof EmbeddedDatabaseBusy)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  try {
    await migrate(owner.db, utilityIds(config));
    const share = await owner.forUtility(config.profile.id, 2);
    return {
      database: {
        ...share,
        async close() {
          await share.close();
          await owner.close();
        }
      }
    };
  } catch (error) {
    await owner.close();
    throw error;
  }
}
