import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumFlags, chromiumPath } from './tests/e2e/support/chromium.js';

const port = Number(process.env.E2E_PORT ?? 4173);
const baseURL = `http://localhost:${port}`;

// The server's DATA_DIR, fresh for each run. Chosen once here: the workers inherit the runner's
// environment, so the tests find the mail outbox (DATA_DIR/mail) the server writes to.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'portal-e2e-'));
// The server's import door for the tests (tests/e2e/support/billing-office.ts), next to the app.
process.env.E2E_BILLING_OFFICE_PORT ??= String(port + 1);

export default defineConfig({
  testDir: 'tests/e2e',
  // Most of a test's time is spent waiting (for the server, a cool-down, the browser), so two
  // workers keep a machine of two cores busy. Each test stands alone, so a long one need not
  // hold up the rest of its file; each worker signs up with demo households of its own
  // (tests/e2e/support/demo.ts).
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  timeout: 30_000,
  use: {
    baseURL,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    launchOptions: { executablePath: chromiumPath, args: chromiumFlags }
  },
  webServer: {
    command: 'node --import tsx tests/e2e/support/serve.ts',
    url: `${baseURL}/healthz`,
    env: {
      PORT: String(port),
      ORIGIN: baseURL,
      E2E_DATA_DIR: process.env.E2E_DATA_DIR,
      E2E_BILLING_OFFICE_PORT: process.env.E2E_BILLING_OFFICE_PORT
    },
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'pipe',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 }
  }
});
