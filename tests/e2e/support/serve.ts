import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../server/config.js';
import { configuredTarget, openDatabase } from '../../../server/db/client.js';
import { migrate } from '../../../server/db/migrate.js';
import { loadDemoUtility } from '../../../server/features/demo/load.js';
import { createScratchPostgres, type ScratchPostgres } from '../../integration/support/database.js';
import { freshDataDir } from '../../integration/support/server-process.js';

/**
 * The server the browser tests run against: the real server/main.ts on the built client,
 * with a fresh DATA_DIR (E2E_DATA_DIR, chosen by playwright.config.ts so the tests can read
 * the mail outbox), and on PostgreSQL a scratch database of its own when DATABASE_URL is set
 * (dropped when Playwright stops this process). The demo utility is loaded here, the same way
 * on PGlite and on PostgreSQL, before the server starts: the tests sign up with its faucets.
 */
const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
const baseUrl = process.env.DATABASE_URL;
const scratch: ScratchPostgres | undefined = baseUrl ? await createScratchPostgres(baseUrl) : undefined;
const dataDir = process.env.E2E_DATA_DIR ?? freshDataDir();
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  ...(scratch ? { DATABASE_URL: scratch.url } : {})
};

async function loadDemo() {
  const config = loadConfig(env);
  const database = await openDatabase(configuredTarget(config));
  try {
    await migrate(database.db);
    await loadDemoUtility(database.db, config.profile, config.dataDir, new Date(), () => {});
  } finally {
    await database.close();
  }
}

try {
  await loadDemo();
} catch (error) {
  console.error('could not load the demo utility for the e2e tests', error);
  await scratch?.drop();
  process.exit(1);
}

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: projectRoot, stdio: 'inherit', env });

async function stop() {
  server.kill('SIGTERM');
  await new Promise((resolve) => server.once('exit', resolve));
  await scratch?.drop();
  process.exit(0);
}
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
server.on('exit', (code) => {
  if (code !== 0 && code !== null) process.exit(code);
});
