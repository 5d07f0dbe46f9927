import { signupFaucet } from '../../tests/e2e/support/demo.js';
import { signUp } from '../../tests/e2e/support/signup.js';
import { stopServer } from '../../tests/integration/support/server-process.js';
import { benchPort, launchChromium, serveBuiltApp } from '../served-app.js';

const watch = `
  new MutationObserver((records, observer) => {
    if (document.querySelector('.home-snapshot') && !window.snapshotAt) window.snapshotAt = performance.now();
    const amount = document.querySelector('[elementtiming="latest-bill"]');
    if (amount && amount.textContent.trim() && !window.amountAt) { window.amountAt = performance.now(); requestAnimationFrame(() => setTimeout(() => { window.paintedAt = performance.now(); })); }
  }).observe(document, { childList: true, subtree: true, characterData: true });
`;
const { server, origin, dataDir } = await serveBuiltApp(benchPort(4631));
process.env.E2E_DATA_DIR = dataDir;
const browser = await launchChromium();
try {
  const context = await browser.newContext({ baseURL: origin, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
  await context.addInitScript(watch);
  const page = await context.newPage();
  await signUp(page, { email: 'probe@example.jp', nickname: 'probe', password: 'kawa-no-nagare-2026', faucet: signupFaucet() });
  await page.locator('[elementtiming="latest-bill"]').waitFor();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.close();
  await context.setOffline(true);
  for (let run = 0; run < 5; run++) {
    const p = await context.newPage();
    const cdp = await context.newCDPSession(p);
    await cdp.send('ServiceWorker.enable');
    await cdp.send('ServiceWorker.stopAllWorkers');
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: Number(process.env.CPU ?? 4) });
    await p.goto('/', { waitUntil: 'commit' });
    await p.waitForFunction(() => (window as any).paintedAt, undefined, { timeout: 30_000 });
    const t = await p.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const r = Math.round;
      const res = performance.getEntriesByType('resource').map((e) => e.name.replace(location.origin, '').slice(0, 50) + ' ' + r(e.startTime) + '→' + r(e.responseEnd));
      return {
        workerStart: r(nav.workerStart), fetchStart: r(nav.fetchStart), responseStart: r(nav.responseStart), responseEnd: r(nav.responseEnd), domInteractive: r(nav.domInteractive), dcl: r(nav.domContentLoadedEventEnd),
        fcp: r(performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1),
        snapshotAt: r(window.snapshotAt ?? -1), amountAt: r(window.amountAt), paintedAt: r(window.paintedAt),
        res: res.slice(0, 14)
      };
    })()`);
    console.log(JSON.stringify(t));
    await p.close();
  }
} finally {
  await browser.close();
  await stopServer(server);
}
