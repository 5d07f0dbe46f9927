import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium, type Page } from '@playwright/test';
import { build } from 'vite';
import { signupFaucet } from '../tests/e2e/support/demo.js';
import { signUp } from '../tests/e2e/support/signup.js';
import { freshDataDir, startServer, stopServer } from '../tests/integration/support/server-process.js';
import { progress, round, type Figure } from './results.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const PORT = 4391;
const ORIGIN = `http://localhost:${PORT}`;

/** Gzipped kilobytes of every script the page loaded, read from the build as a server would send it. */
async function scriptKilobytes(page: Page): Promise<number> {
  const paths = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => path.endsWith('.js'))
  );
  const bytes = [...new Set(paths)].reduce((sum, path) => sum + gzipSync(readFileSync(`${projectRoot}/build${path}`)).length, 0);
  return round(bytes / 1024);
}

/**
 * The JavaScript a phone downloads for the log-in page (the first visit) and for History
 * (with chart.js, loaded only there), measured in Chromium against the built app.
 */
export async function benchJavaScriptSize(): Promise<Record<string, Figure>> {
  if (!existsSync(`${projectRoot}/build/index.html`)) {
    progress('building the app');
    await build({ root: projectRoot, logLevel: 'warn' });
  }
  const dataDir = freshDataDir();
  // The sign-up helper reads the code from this server's outbox.
  process.env.E2E_DATA_DIR = dataDir;
  const server = await startServer({ DATA_DIR: dataDir, PORT: String(PORT), ORIGIN, DATABASE_URL: '' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  try {
    progress('JavaScript of the log-in page and of History, in Chromium');
    const context = await browser.newContext({ baseURL: ORIGIN, serviceWorkers: 'block' });
    const login = await context.newPage();
    await login.goto('/login', { waitUntil: 'networkidle' });
    const initial = await scriptKilobytes(login);

    const faucet = signupFaucet();
    await signUp(login, { email: 'bench-js@example.jp', nickname: 'bench', password: 'kawa-no-nagare-2026', faucet });
    const history = await context.newPage();
    await history.goto(`/history?faucet=${faucet.faucetNo}`);
    await history.locator('canvas').first().waitFor();
    await history.waitForLoadState('networkidle');
    return {
      js_initial_kb_gz: { value: initial, unit: 'KB' },
      js_history_kb_gz: { value: await scriptKilobytes(history), unit: 'KB' }
    };
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
