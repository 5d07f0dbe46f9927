import { expect, type BrowserContext, type Page } from '@playwright/test';
import { faucetHistory } from './support/demo-history.js';
import { signupFaucet } from './support/demo.js';
import { yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { logOutFromMenu, menuTab } from './support/menu.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

/** How the page started: what of Home was painted before the app drew anything, and where the latest bill's amount first came from. */
interface Start {
  /** The painted Home's text when it appeared; undefined when nothing was painted. */
  painted?: string;
  amount?: { text: string; painted: boolean; appDrawnYet: boolean };
}

/** Notes, from the very start of every page, when the painted Home (src/app.html) and the amount first appear. */
const watchStart = () => {
  const start: Start = {};
  (window as unknown as { start: Start }).start = start;
  const watch = new MutationObserver(() => {
    const painted = document.querySelector('.home-snapshot');
    if (painted && start.painted === undefined) start.painted = painted.textContent ?? '';
    const amount = document.querySelector('[elementtiming="latest-bill"]');
    if (amount?.textContent && !start.amount) {
      // The app draws its page into the root beside the painted one: a <main> of its own there.
      start.amount = { text: amount.textContent, painted: amount.closest('.home-snapshot') !== null, appDrawnYet: document.querySelector('.app-root > main') !== null };
    }
  });
  watch.observe(document, { childList: true, subtree: true, characterData: true });
};

/** Opens Home in a new page, as the installed app starts from its icon; returns the page once the app shows its own Home. */
async function start(context: BrowserContext): Promise<{ page: Page; start: Start }> {
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  // The app's own page has taken over: nothing painted is left.
  await expect(page.locator('.home-snapshot')).toHaveCount(0);
  return { page, start: await page.evaluate(() => (window as unknown as { start: Start }).start) };
}

test('the installed app opens offline on Home painted from the device copy before the app loads, never a copy older than the device holds, and nothing of it after log-out', async ({
  page,
  context
}) => {
  test.setTimeout(120_000);
  await context.addInitScript(watchStart);
  const member: NewMember = { email: freshAddress('painted-home'), nickname: 'みなと', password: 'mizu-no-hikari-2026', faucet: signupFaucet() };
  const amount = yen(faucetHistory(member.faucet.faucetNo).bills.at(-1)!.total);
  await signUp(page, member);
  await expect(page.getByText(amount, { exact: true })).toBeVisible();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await context.setOffline(true);
  await page.close();

  // With no network the latest bill is on the first screen before the app has drawn anything;
  // then the app's own Home, from the same copy, takes its place.
  const first = await start(context);
  expect(first.start.amount).toEqual({ text: amount, painted: true, appDrawnYet: false });
  expect(first.start.painted).toContain(`水栓番号 ${member.faucet.faucetNo}`);
  await expect(first.page.getByText(amount, { exact: true })).toBeVisible();

  // Renamed on another page, not on Home: the next start paints no Home with the old name, and
  // once Home has shown the new one, that is what is painted.
  await menuTab(first.page).click();
  await first.page.getByRole('link', { name: '契約内容のご確認' }).click();
  const held = first.page.getByRole('region', { name: '登録している水栓' });
  await held.getByRole('button', { name: '表示名を変更' }).click();
  await held.getByLabel(/^表示名/).fill('自宅');
  await held.getByRole('button', { name: '表示名を保存' }).click();
  await expect(first.page.getByRole('status')).toContainText('表示名を保存しました');
  await first.page.close();
  const afterRename = await start(context);
  expect(afterRename.start.painted).toBeUndefined();
  await expect(afterRename.page.getByRole('heading', { level: 2, name: /^自宅/ })).toBeVisible();
  await afterRename.page.close();
  const renamed = await start(context);
  expect(renamed.start.painted).toContain('自宅');
  expect(renamed.start.amount).toMatchObject({ text: amount, painted: true });

  // Logged out (offline: the device is wiped at once): the next start paints nothing of theirs.
  await logOutFromMenu(renamed.page);
  await expect(renamed.page).toHaveURL('/login');
  const visitor = await start(context);
  await expect(visitor.page.getByRole('heading', { level: 1 })).toHaveText('ようこそ');
  expect(visitor.start).toEqual({});
});
