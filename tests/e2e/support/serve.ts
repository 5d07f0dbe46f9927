import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createScratchPostgres, type ScratchPostgres } from '../../integration/support/database.js';
import { freshDataDir } from '../../integration/support/server-process.js';

/**
 * The server the browser tests run against: the real server/main.ts on the built client,
 * with a fresh DATA_DIR, and on PostgreSQL a scratch database of its own when DATABASE_URL
 * is set (dropped when Playwright stops this process).
 */
const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
const baseUrl = process.env.DATABASE_URL;
const scratch: ScratchPostgres | undefined = baseUrl ? await createScratchPostgres(baseUrl) : undefined;

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  cwd: projectRoot,
  stdio: 'inherit',
  env: {
    ...process.env,
    DATA_DIR: freshDataDir(),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    ...(scratch ? { DATABASE_URL: scratch.url } : {})
  }
});

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
