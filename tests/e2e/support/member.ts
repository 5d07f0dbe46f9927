import { expect, type Page } from '@playwright/test';
import { field, type NewMember } from './signup.js';
import { menuTab } from './menu.js';

/** Logs in from the log-in page; ends on the home page, signed in. */
export async function logIn(page: Page, member: Pick<NewMember, 'email' | 'password'>): Promise<void> {
  await page.goto('/login');
  await field(page, 'メールアドレス').fill(member.email);
  await field(page, 'パスワード').fill(member.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL('/');
}

/** 退会 from a signed-in page: frees the member's faucet for other tests (a faucet belongs to one account). */
export async function withdraw(page: Page, member: Pick<NewMember, 'password'>): Promise<void> {
  await page.goto('/withdraw');
  await field(page, 'パスワード').fill(member.password);
  await page.getByRole('button', { name: '退会する' }).click();
  await expect(page).toHaveURL('/login');
}

/** Adds a faucet as a customer does: メニュー → 契約内容のご確認, number, phone, consent; waits for the confirmation. */
export async function addFaucetFromMenu(page: Page, faucet: { faucetNo: string; phone: string }): Promise<void> {
  await menuTab(page).click();
  await page.getByRole('link', { name: '契約内容のご確認' }).click();
  await field(page, '水栓番号').fill(faucet.faucetNo);
  await field(page, '電話番号').fill(faucet.phone);
  await page.getByLabel(/^契約者本人/).check();
  await page.getByRole('button', { name: '追加する' }).click();
  await expect(page.getByRole('status')).toContainText(`水栓番号 ${faucet.faucetNo} を追加しました`);
}

/**
 * Home as the app draws it, not the copy painted before the app loaded (src/app.html), which the
 * app takes down once its own bills show: a measure of the copy's elements would find them gone.
 */
export async function appHomeDrawn(page: Page): Promise<void> {
  await expect(page.locator('.home-snapshot')).toHaveCount(0);
}
