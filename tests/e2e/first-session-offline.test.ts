import { expect } from '@playwright/test';
import { signupFaucet } from './support/demo.js';
import { personalRows } from './support/device-db.js';
import { freshAddress } from './support/mail.js';
import { menuTab } from './support/menu.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

test('right after sign-up, with no reload, every member page opens offline in the page that signed up', async ({ page, context }) => {
  test.setTimeout(90_000);
  const member: NewMember = { email: freshAddress('first-session'), nickname: 'はじめ', password: 'hajimete-no-mizu-7', faucet: signupFaucet() };
  await signUp(page, member);
  await expect.poll(() => personalRows(page), { message: 'the first sync brought the faucet onto the device' }).toBeGreaterThan(0);
  // The worker that installed while the customer signed up takes this very page over: the
  // pages' scripts, never fetched yet, then come from its cache.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await page.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));

  await context.setOffline(true);
  const tabs = page.getByRole('navigation', { name: 'メインメニュー' });
  const visits = [
    { open: () => tabs.getByRole('link', { name: 'お知らせ' }).click(), heading: 'お知らせ' },
    { open: () => tabs.getByRole('link', { name: '手続き' }).click(), heading: '各種お手続き' },
    { open: () => tabs.getByRole('link', { name: '履歴' }).click(), heading: 'ご利用履歴' },
    {
      open: async () => {
        await menuTab(page).click();
        await page.getByRole('link', { name: '契約内容のご確認' }).click();
      },
      heading: '契約内容のご確認'
    }
  ];
  for (const visit of visits) {
    await visit.open();
    await expect(page.getByRole('heading', { level: 1, name: visit.heading })).toBeVisible();
    await expect(page.getByText('エラーが発生しました')).toHaveCount(0);
  }
  await expect(page.getByText(member.faucet.faucetNo).first()).toBeVisible();
  expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument), 'no page was reloaded').toBe(true);
});
