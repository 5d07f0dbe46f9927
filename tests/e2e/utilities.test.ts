import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetHistory } from './support/demo-history.js';
import { faucetFor, minamiProfile, minamiSignupFaucet, profile } from './support/demo.js';
import { yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { openOffline } from './support/offline.js';
import { field, signUp, type NewMember } from './support/signup.js';
import { staffPage } from './support/staff.js';
import { test } from './support/test.js';

/** What a member of a utility sees of it on Home: the utility's name above, its faucet's latest bill. */
async function expectOwnUtility(page: Page, name: string, faucetNo: string, total: number): Promise<void> {
  await expect(page.getByRole('banner')).toContainText(name);
  const card = page.getByRole('region', { name: `水栓番号 ${faucetNo}` });
  await expect(card.getByText(yen(total), { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('region', { name: /^水栓番号/ })).toHaveCount(1);
}

test("one e-mail signs up at two utilities of one deployment, and each shows only its own, offline too; a clerk finds only their utility's", async ({
  page,
  context,
  browser,
  baseURL
}) => {
  test.setTimeout(180_000);
  const minami = baseURL!.replace('//localhost', '//minami.localhost');
  const email = freshAddress('two-utilities');
  const atNayoro: NewMember = { email, nickname: 'なよろ', password: 'kita-no-mizu-2026', faucet: faucetFor('twoUtilities') };
  const atMinami: NewMember = { email, nickname: 'みなみ', password: 'minami-no-mizu-2026', faucet: minamiSignupFaucet() };
  const nayoroBill = faucetHistory(atNayoro.faucet.faucetNo).bills.at(-1)!;
  const minamiBill = faucetHistory(atMinami.faucet.faucetNo, minamiProfile).bills.at(-1)!;

  await signUp(page, atNayoro);
  await expectOwnUtility(page, profile.name.ja, atNayoro.faucet.faucetNo, nayoroBill.total);

  // The same address again, at the other utility's host: a new account (the code is the second mail to it).
  const other = await context.newPage();
  await signUp(other, atMinami, { at: minami, mailNumber: 2 });
  await expectOwnUtility(other, minamiProfile.name.ja, atMinami.faucet.faucetNo, minamiBill.total);
  await expect(other.getByRole('banner')).not.toContainText(profile.name.ja);
  // Its help gives Minami's counter, not the other's.
  await other.goto(`${minami}/help`);
  await expect(other.getByRole('main')).toContainText(minamiProfile.phone);
  await expect(other.getByRole('main')).not.toContainText(profile.phone);
  await expectNoAxeViolations(other);

  // Offline, each host opens from its own device copy.
  const offlineMinami = await openOffline(context, other, `${minami}/`);
  await expectOwnUtility(offlineMinami, minamiProfile.name.ja, atMinami.faucet.faucetNo, minamiBill.total);
  const offlineNayoro = await context.newPage();
  await page.close();
  await offlineNayoro.goto('/');
  await expectOwnUtility(offlineNayoro, profile.name.ja, atNayoro.faucet.faucetNo, nayoroBill.total);
  await context.setOffline(false);

  // A clerk of the first utility searches for the other's faucet and e-mail: nothing of it is there.
  const { page: desk } = await staffPage(browser, 'clerk');
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '会員検索' }).click();
  const search = field(desk, '水栓番号・メールアドレス・名義人の氏名またはフリガナ');
  await search.fill(atMinami.faucet.faucetNo);
  await desk.getByRole('button', { name: '検索', exact: true }).click();
  await expect(desk.getByText('見つかりませんでした。')).toBeVisible();
  await expect(desk.getByRole('region', { name: `水栓番号 ${atMinami.faucet.faucetNo} の水栓` })).toHaveCount(0);
  // By the e-mail the clerk finds the one account of their utility, with its faucet only.
  await search.fill(email);
  await desk.getByRole('button', { name: '検索', exact: true }).click();
  await expect(desk.getByRole('link', { name: email })).toHaveCount(1);
  await desk.getByRole('link', { name: email }).click();
  await expect(desk.getByRole('main')).toContainText(atNayoro.faucet.faucetNo);
  await expect(desk.getByRole('main')).not.toContainText(atMinami.faucet.faucetNo);
});
