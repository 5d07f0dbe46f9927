import { brotliDecompressSync } from 'node:zlib';
import type { Browser, Page, Request } from '@playwright/test';
import { throttling } from 'lighthouse/core/config/constants.js';
import { signupFaucet } from '../tests/e2e/support/demo.js';
import { signUp } from '../tests/e2e/support/signup.js';
import { rawGet } from '../tests/integration/support/raw-get.js';
import { stopServer } from '../tests/integration/support/server-process.js';
import { againstBaseline, progress, round, type Figure } from './results.js';
import { benchPort, launchChromium, serveBuiltApp } from './served-app.js';

/** Bytes of a set of responses as they came over the wire and as the files are. */
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
 * wire figure is Chromium's own count of each response, headers and encoded body (CDP's
 * encodedDataLength, through Playwright's request.sizes()), as DevTools' "Transferred" column
 * shows it; the baseline is the same bodies decoded.
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
      const sizes = await request.sizes();
      transfer.wire += sizes.responseHeadersSize + sizes.responseBodySize;
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
async function precacheTransfer(origin: string): Promise<Transfer> {
  const worker = await rawGet(`${origin}/service-worker.js`, { 'Accept-Encoding': 'br' });
  const source = brotliDecompressSync(worker.body).toString('utf8');
  const urls = [...source.matchAll(/"url":"([^"]+)"/g)].map((match) => new URL(match[1]!, `${origin}/`).href);
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
 * A first visit of the log-in page on a phone: Lighthouse's slow 4G as DevTools applies it
 * (562.5 ms a request, 1.4 Mbit/s down) and a 4× slower CPU, from the navigation until the
 * e-mail field shows. The median of five visits, each in a fresh context (empty cache, no
 * service worker).
 */
async function loginFirstVisitMs(browser: Browser, origin: string): Promise<Figure> {
  const { requestLatencyMs, downloadThroughputKbps, uploadThroughputKbps, cpuSlowdownMultiplier } = throttling.mobileSlow4G;
  const times: number[] = [];
  for (let visit = 0; visit < 5; visit++) {
    const context = await browser.newContext({ baseURL: origin, serviceWorkers: 'block' });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: requestLatencyMs,
      downloadThroughput: (downloadThroughputKbps * 1024) / 8,
      uploadThroughput: (uploadThroughputKbps * 1024) / 8
    });
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: cpuSlowdownMultiplier });
    const started = performance.now();
    await page.goto('/login', { waitUntil: 'commit' });
    await page.getByRole('textbox', { name: 'メールアドレス' }).waitFor();
    times.push(performance.now() - started);
    await context.close();
  }
  progress(`log-in page on slow 4G, 4× CPU, until the e-mail field shows: ${times.map(Math.round).join(', ')} ms`);
  const sorted = times.sort((a, b) => a - b);
  return { value: round(sorted[Math.floor(sorted.length / 2)]!, 0), unit: 'ms', n: sorted.length };
}

/**
 * The bytes a phone receives for the app: the JavaScript of the log-in page (the first visit),
 * of History (with chart.js, loaded only there) and the service worker's precache, each beside
 * the same files uncompressed, and how long that first visit takes on a slow phone. Measured in
 * Chromium against the app as built and served now.
 */
export async function benchJavaScriptSize(): Promise<Record<string, Figure>> {
  const { server, origin, dataDir } = await serveBuiltApp(benchPort(4391));
  process.env.E2E_DATA_DIR = dataDir;
  const browser = await launchChromium();
  try {
    progress('JavaScript of the log-in page and of History over the wire, in Chromium');
    // The service worker's own downloads are the precache figure, not the page's.
    const context = await browser.newContext({ baseURL: origin, serviceWorkers: 'block' });
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
      js_initial_requests: { value: initial.files, unit: 'requests' },
      js_history_kb_wire: kilobytes(await historyScripts(), 'History scripts'),
      precache_kb_wire: kilobytes(await precacheTransfer(origin), 'service worker precache'),
      login_first_visit_ms: await loginFirstVisitMs(browser, origin)
    };
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
