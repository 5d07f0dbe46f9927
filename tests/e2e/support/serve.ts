import { loadConfig } from '../../../server/config.js';
import { configuredTarget, openDatabase } from '../../../server/db/client.js';
import { migrate } from '../../../server/db/migrate.js';
import { loadDemoUtility } from '../../../server/demo/load.js';
import { rowRulesOf } from '../../../server/domain/import-rows.js';
import { createLogger } from '../../../server/log/logger.js';
import { startPortal } from '../../../server/lifecycle/portal.js';
import { shutdownGracefully } from '../../../server/lifecycle/shutdown.js';
import { createScratchPostgres, type ScratchPostgres } from '../../integration/support/database.js';
import { freshDataDir } from '../../integration/support/server-process.js';
import { serveBillingOffice } from './billing-office.js';

/**
 * The server the browser tests run against: the portal as server/main.ts starts it, on the
 * built client, with a fresh DATA_DIR (E2E_DATA_DIR, chosen by playwright.config.ts so the
 * tests can read the mail outbox), and on PostgreSQL a scratch database of its own when
 * DATABASE_URL is set (dropped when Playwright stops this process). The demo utility is
 * loaded here, the same way on PGlite and on PostgreSQL, before the portal starts: the tests
 * sign up with its faucets (the second demo utility's on minami.localhost). Beside it, the billing office's import door (billing-office.ts).
 */
const baseUrl = process.env.DATABASE_URL;
const scratch: ScratchPostgres | undefined = baseUrl ? await createScratchPostgres(baseUrl) : undefined;
const config = loadConfig({
  ...process.env,
  DATA_DIR: process.env.E2E_DATA_DIR ?? freshDataDir(),
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  // The stand-in devices of notices.test.ts subscribe on this push service (that never answers).
  PUSH_SERVICE_HOSTS: 'push.example.invalid',
  ...(scratch ? { DATABASE_URL: scratch.url } : {})
});
const logger = createLogger(config.logLevel);
const rules = rowRulesOf(config.profile);

/** Every configured utility's demo (the built-in two), each into its own share of the database. */
async function loadDemo() {
  const database = await openDatabase(configuredTarget(config, 'command'));
  try {
    await migrate(database.db);
    for (const { profile } of config.utilities) {
      const share = await database.forUtility(profile.id, 2);
      try {
        await loadDemoUtility(share.db, profile, config.dataDir, new Date(), () => {});
      } finally {
        await share.close();
      }
    }
  } finally {
    await database.close();
  }
}

try {
  await loadDemo();
  const portal = await startPortal(config, logger);
  // The billing office is the first utility's (the demo on localhost), as a command of it would be.
  const office = await portal.database.forUtility(config.profile.id, 2);
  const billingOffice = await serveBillingOffice(office.db, { rules, notices: config.profile.notices });
  const stop = async () => {
    billingOffice.close();
    await office.close();
    await shutdownGracefully(portal.server, portal.database, logger, 5_000, portal.stopJobs);
    await scratch?.drop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
} catch (error) {
  console.error('could not start the portal for the e2e tests', error);
  await scratch?.drop();
  process.exit(1);
}
