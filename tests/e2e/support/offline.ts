import { expect, type BrowserContext, type Page } from '@playwright/test';

/**
 * Once the service worker is ready, cuts the network and opens `path` in a new page, which
 * can only come from the worker's cached shell and the device's copy; `page` closes.
 */
export async function openOffline(context: BrowserContext, page: Page, path: string): Promise<Page> {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  const offline = await context.newPage();
  await page.close();
  await offline.goto(path);
  return offline;
}

/**
 * Back online, the queued filing reaches the server but its answer is lost; the app's own
 * wake-ups (online, focus) send it again, one sync at a time. Returns once it was sent twice,
 * with every request body sent (all the same filing, the caller checks); the route is removed.
 */
export async function sendWithLostAnswer(context: BrowserContext, page: Page): Promise<string[]> {
  const sends: string[] = [];
  const filing = '**/api/trpc/*procedures.file*';
  await context.route(filing, async (route) => {
    sends.push(route.request().postData() ?? '');
    if (sends.length > 1) return route.continue();
    await route.fetch();
    await route.abort('connectionreset');
  });
  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect.poll(() => sends.length).toBeGreaterThanOrEqual(1);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect.poll(() => sends.length).toBeGreaterThanOrEqual(2);
  await context.unroute(filing);
  return sends;
}
