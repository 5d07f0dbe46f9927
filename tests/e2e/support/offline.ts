import type { BrowserContext, Page } from '@playwright/test';

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
