import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from '@playwright/test';
import { build } from 'vite';
import { freshDataDir, startServer, type ServerProcess } from '../tests/integration/support/server-process.js';
import { chromiumFlags, chromiumPath } from '../tests/e2e/support/chromium.js';
import { progress } from './results.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The port a browser bench serves the app on: BENCH_PORT, so two checkouts can bench side by side. */
export function benchPort(fallback: number): number {
  return Number(process.env.BENCH_PORT ?? fallback);
}

let built: Promise<unknown> | undefined;

/**
 * The client built from this tree's sources, once per `npm run bench` (an older build in build/
 * would be measured otherwise). Once: a second `vite build` in the same process wrote pages
 * that did not start (the SvelteKit plugin keeps state between builds), and the sources do not
 * change between benches anyway.
 */
function buildOnce(): Promise<unknown> {
  if (!built) {
    progress('building the app');
    built = build({ root: projectRoot, logLevel: 'warn' });
  }
  return built;
}

/**
 * The app as `npm start` serves it: the client built from this tree's sources, then
 * server/main.ts on the embedded database of a fresh DATA_DIR, which it returns too (the
 * sign-up helper reads the code from its outbox).
 */
export async function serveBuiltApp(port: number): Promise<{ server: ServerProcess; origin: string; dataDir: string }> {
  await buildOnce();
  const dataDir = freshDataDir();
  const origin = `http://localhost:${port}`;
  // The first start writes the demo utility's files, which takes a minute on a busy machine.
  const server = await startServer({ DATA_DIR: dataDir, PORT: String(port), ORIGIN: origin, DATABASE_URL: '' }, 180_000);
  return { server, origin, dataDir };
}

/** Debian's Chromium as the e2e tests launch it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumFlags });
}

export { chromiumFlags, chromiumPath };
