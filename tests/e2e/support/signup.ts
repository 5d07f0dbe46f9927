import { expect, type Page } from '@playwright/test';
import { codeInMail } from './mail.js';
import { signedUpMembers } from './test.js';

/** The input labelled so (labels also carry 必須/任意, and sections have headings of the same words). */
export const field = (page: Page, label: string) => page.locator('input').and(page.getByLabel(new RegExp(`^${label}`)));

export interface NewMember {
  email: string;
  nickname: string;
  password: string;
  faucet: { faucetNo: string; phone: string };
}

/**
 * The four sign-up steps with a fresh address, the code read from the outbox (the mailNumber-th
 * mail to it); ends on the home page, signed in. `at`: another utility's origin than baseURL's. A test that signs up runs under support/test.ts's `test`, which withdraws the member afterwards.
 */
export async function signUp(page: Page, member: NewMember, { at = '', mailNumber = 1 }: { at?: string; mailNumber?: number } = {}): Promise<void> {
  signedUpMembers.push(member);
  await page.goto(`${at}/signup`);
  // The first step says what the third will ask for, so nobody starts without it.
  await expect(page.getByRole('region', { name: '登録には、次の2つが必要です。お手元にご用意ください。' })).toContainText('水栓番号（検針票');
  await field(page, 'メールアドレス').fill(member.email);
  await page.getByRole('button', { name: '確認コードを送る' }).click();
  await expect(page.getByRole('heading', { level: 2 })).toContainText('確認コード');
  // A reload (the mail app opened over the browser) comes back to the code step, for the same address.
  await page.reload();
  await expect(page.getByRole('heading', { level: 2 })).toContainText('確認コード');
  await expect(page.getByRole('status').first()).toContainText(member.email);
  await field(page, '確認コード').fill(await codeInMail(member.email, mailNumber));
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('heading', { level: 2 })).toContainText('水栓番号と電話番号');
  await field(page, '水栓番号').fill(member.faucet.faucetNo);
  await field(page, '電話番号').fill(member.faucet.phone);
  await page.getByLabel(/^契約者本人/).check();
  await page.getByRole('button', { name: '次へ' }).click();
  await expect(page.getByRole('status')).toContainText(`水栓番号 ${member.faucet.faucetNo} を確認しました`);
  await field(page, 'ニックネーム').fill(member.nickname);
  await field(page, 'パスワード').fill(member.password);
  await page.getByRole('button', { name: '登録する' }).click();
  await expect(page).toHaveURL(`${at}/`);
}
