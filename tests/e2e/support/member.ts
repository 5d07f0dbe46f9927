import { expect, type Page } from '@playwright/test';
import { field, type NewMember } from './signup.js';

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
