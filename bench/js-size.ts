import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { chromium, type Page, type Request } from '@playwright/test';
import { build } from 'vite';
import { signupFaucet } from '../tests/e2e/support/demo.js';
import { signUp } from '../tests/e2e/support/signup.js';
import { rawGet } from '../tests/integration/support/raw-get.js';
import { freshDataDir, startServer, stopServer } from '../tests/integration/support/server-process.js';
import { againstBaseline, progress, type Figure } from './results.js';

const projectRoot = fileURLToPath(new URL('..', import.meta.url));
const PORT = 4391;
const ORIGIN = `http://localhost:${PORT}`;

/** Bytes of a set of responses as they came over the wire (body only, compressed) and as the files are. */
interface Transfer {
  wire: number;
  raw: number;
  files: number;
  encodings: Set<string>;
}

function kilobytes(transfer: Transfer, what: string): Figure {
  progress(`${what}: ${transfer.files} files, ${transfer.wire} bytes on the wire (${[...transfer.encodings].join(', ')}), ${transfer.raw} as files`);
  return againstBaseline(transfer.wire / 1024, 'KB', transfer.raw / 1024, transfer.files);
}

/**
 * Counts every script the page fetches from the network, with the browser's cache off so a
 * page opened after others in the same context fetches all it needs, as on a first visit. The
 * wire figure is Chromium's own count of the encoded body (CDP's encodedDataLength less the
 * headers); the baseline is the same bodies decoded.
 */
async function countScripts(page: Page): Promise<() => Promise<Transfer>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
  const finished = new Map<string, Request>();
  page.on('requestfinished', (request) => {
    if (new URL(request.url()).pathname.endsWith('.js')) finished.set(request.url(), request);
  });
  return async () => {
    const transfer: Transfer = { wire: 0, raw: 0, files: finished.size, encodings: new Set() };
    for (const request of finished.values()) {
      const response = (await request.response())!;
      transfer.wire += (await request.sizes()).responseBodySize;
      transfer.raw += (await response.body()).length;
      transfer.encodings.add((await response.headerValue('content-encoding')) ?? 'identity');
    }
    return transfer;
  };
}

/**
 * What a phone downloads when the service worker installs: every file of its precache list,
 * fetched from the server as the browser asks (brotli or gzip accepted), body bytes counted.
 */
async function precacheTransfer(): Promise<Transfer> {
  const worker = await rawGet(`${ORIGIN}/service-worker.js`, { 'Accept-Encoding': 'br' });
  const source = brotliDecompressSync(worker.body).toString('utf8');
  const urls = [...source.matchAll(/"url":"([^"]+)"/g)].map((match) => new URL(match[1]!, `${ORIGIN}/`).href);
  if (urls.length === 0) throw new Error('no precache list found in /service-worker.js');
  const transfer: Transfer = { wire: 0, raw: 0, files: urls.length, encodings: new Set() };
  for (const url of urls) {
    const [compressed, plain] = await Promise.all([rawGet(url, { 'Accept-Encoding': 'br, gzip' }), rawGet(url)]);
    if (compressed.status !== 200 || plain.status !== 200) throw new Error(`${url} answered ${compressed.status}`);
    transfer.wire += compressed.body.length;
    transfer.raw += plain.body.length;
    transfer.encodings.add(compressed.headers['content-encoding'] ?? 'identity');
  }
  return transfer;
}

/**
 * The bytes a phone receives for the app: the JavaScript of the log-in page (the first visit),
 * of History (with chart.js, loaded only there) and the service worker's precache, each beside
 * the same files uncompressed. Measured in Chromium against the app as built and served now.
 */
export async function benchJavaScriptSize(): Promise<Record<string, Figure>> {
  // Always from this tree's sources: an older build in build/ would be measured otherwise.
  progress('building the app');
  await build({ root: projectRoot, logLevel: 'warn' });
  const dataDir = freshDataDir();
  // The sign-up helper reads the code from this server's outbox.
  process.env.E2E_DATA_DIR = dataDir;
  const server = await startServer({ DATA_DIR: dataDir, PORT: String(PORT), ORIGIN, DATABASE_URL: '' });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
  });
  try {
    progress('JavaScript of the log-in page and of History over the wire, in Chromium');
    // The service worker's own downloads are the precache figure, not the page's.
    const context = await browser.newContext({ baseURL: ORIGIN, serviceWorkers: 'block' });
    const login = await context.newPage();
    const loginScripts = await countScripts(login);
    await login.goto('/login', { waitUntil: 'networkidle' });
    const initial = await loginScripts();

    const faucet = signupFaucet();
    await signUp(login, { email: 'bench-js@example.jp', nickname: 'bench', password: 'kawa-no-nagare-2026', faucet });
    const history = await context.newPage();
    const historyScripts = await countScripts(history);
    await history.goto(`/history?faucet=${faucet.faucetNo}`);
    await history.locator('canvas').first().waitFor();
    await history.waitForLoadState('networkidle');
    return {
      js_initial_kb_wire: kilobytes(initial, 'log-in page scripts'),
      js_history_kb_wire: kilobytes(await historyScripts(), 'History scripts'),
      precache_kb_wire: kilobytes(await precacheTransfer(), 'service worker precache')
    };
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
