import type { BrowserContext } from '@playwright/test';
import { faucetHistory } from '../tests/e2e/support/demo-history.js';
import { signupFaucet } from '../tests/e2e/support/demo.js';
import { yen } from '../tests/e2e/support/expected-text.js';
import { signUp } from '../tests/e2e/support/signup.js';
import { stopServer } from '../tests/integration/support/server-process.js';
import { againstBaseline, progress, round, type Figure } from './results.js';
import { benchPort, launchChromium, serveBuiltApp } from './served-app.js';

const RUNS = 9;
/** A mid-range phone, as Lighthouse's mobile preset slows the CPU. */
const CPU_SLOWDOWN = 4;

interface ColdStart {
  /** When the latest bill's amount was painted, ms after navigation start. */
  amountMs: number;
  /** When the browser painted anything at all (first-contentful-paint). */
  firstPaintMs: number;
  amountText: string;
}

/**
 * Notes when the amount (the element marked elementtiming="latest-bill") is first in the page
 * with its text, and then the end of the frame that paints it (a task after the next animation
 * frame). Element Timing would report this itself, but Debian's Chromium 156 reports no
 * element entries, headless or not. A string: the page runs it as written.
 */
const amountPaintWatch = `
  const watch = new MutationObserver(() => {
    const amount = document.querySelector('[elementtiming="latest-bill"]');
    if (!amount || !amount.textContent.trim()) return;
    watch.disconnect();
    requestAnimationFrame(() => setTimeout(() => {
      window.latestBillPainted = { at: performance.now(), text: amount.textContent };
    }));
  });
  watch.observe(document, { childList: true, subtree: true, characterData: true });
`;

/**
 * Opens `/` in a new page with no network, the service worker stopped and the CPU slowed, as an
 * installed app starts from its icon, and reads when the amount and the first paint came.
 */
async function coldStart(context: BrowserContext): Promise<ColdStart> {
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  await page.goto('/', { waitUntil: 'commit' });
  const painted = await page.waitForFunction(() => (window as { latestBillPainted?: unknown }).latestBillPainted, undefined, { timeout: 30_000 });
  const { at, text } = (await painted.jsonValue()) as { at: number; text: string };
  const firstPaintMs = await page.evaluate(() => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN);
  await page.close();
  return { amountMs: at, firstPaintMs, amountText: text };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The installed app opened with no network, until the latest bill's amount shows (4× slower
 * CPU): the median of RUNS cold starts, against the first paint of the same starts (the
 * browser's floor for showing anything of the app; ratio 1 would be the amount in the first
 * paint).
 */
export async function benchOfflineColdStart(): Promise<Record<string, Figure>> {
  const { server, origin, dataDir } = await serveBuiltApp(benchPort(4392));
  // The sign-up helper reads the code from this server's outbox.
  process.env.E2E_DATA_DIR = dataDir;
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ baseURL: origin, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    await context.addInitScript(amountPaintWatch);
    const page = await context.newPage();
    const faucet = signupFaucet();
    progress('signing up, until the device holds the faucet and the service worker controls the page');
    await signUp(page, { email: 'bench-coldstart@example.jp', nickname: 'bench', password: 'kawa-no-nagare-2026', faucet });
    await page.locator('[elementtiming="latest-bill"]').waitFor();
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
    await page.close();
    await context.setOffline(true);
    const expected = yen(faucetHistory(faucet.faucetNo).bills.at(-1)!.total);
    const starts: ColdStart[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const start = await coldStart(context);
      if (start.amountText !== expected) throw new Error(`the latest bill showed ${JSON.stringify(start.amountText)}, not ${expected}`);
      progress(`cold start ${run}/${RUNS}: amount at ${round(start.amountMs)} ms, first paint at ${round(start.firstPaintMs)} ms`);
      starts.push(start);
    }
    return {
      offline_coldstart_ms: againstBaseline(
        median(starts.map((start) => start.amountMs)),
        'ms',
        median(starts.map((start) => start.firstPaintMs)),
        RUNS
      )
    };
  } finally {
    await browser.close();
    await stopServer(server);
  }
}
