import { expect, type APIRequestContext, type Page } from '@playwright/test';
import type { SyncedProcedure } from '../../src/lib/shared/sync-wire.js';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetFor } from './support/demo.js';
import { freshAddress } from './support/mail.js';
import { logIn, withdraw } from './support/member.js';
import { signUp, type NewMember } from './support/signup.js';
import { sendWithLostAnswer } from './support/offline.js';
import { test } from './support/test.js';

/** The customer's procedures as the server holds them, asked with the member's session. */
async function serverProcedures(request: APIRequestContext): Promise<SyncedProcedure[]> {
  const response = await request.get('/api/trpc/procedures.mine');
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: SyncedProcedure[] } }).result.data;
}

const card = (page: Page, name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name, exact: true }) });

async function openForm(page: Page, name: string): Promise<void> {
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '手続き' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('各種お手続き');
  await page.getByRole('link', { name: new RegExp(`^${name} `) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(name);
}

test('a customer files each procedure with errors next to the fields; one filed offline reaches the server exactly once after a lost answer', async ({
  page,
  context
}) => {
  test.setTimeout(150_000);
  const member: NewMember = { email: freshAddress('procedures'), nickname: 'みのり', password: 'mizu-no-oto-2026', faucet: faucetFor('procedures') };
  await signUp(page, member);

  // 請求書等送付先変更: a short postal code is refused next to its field and nothing is filed; full-width digits are fine.
  await openForm(page, '請求書等送付先変更');
  await expectNoAxeViolations(page);
  await page.getByLabel(/^送付先のお名前/).fill('名寄 花子');
  await page.getByLabel(/^郵便番号/).fill('096-86');
  await page.getByLabel(/^送付先の住所/).fill('札幌市北区北24条西5丁目1番地');
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByLabel(/^郵便番号/)).toHaveAccessibleDescription(/郵便番号は7桁の数字で入力してください/);
  await expect(page.getByLabel(/^郵便番号/)).toBeFocused();
  await expectNoAxeViolations(page);
  expect(await serverProcedures(page.request)).toEqual([]);
  // A code of the utility's own area fills in the address up to the town; the customer adds the rest.
  await page.getByLabel(/^送付先の住所/).fill('');
  await page.getByLabel(/^郵便番号/).fill('０９６－００７１');
  await expect(page.getByLabel(/^送付先の住所/)).toHaveValue('北海道名寄市緑丘');
  await expect(page.getByLabel(/^送付先の住所/)).toHaveAccessibleDescription(/郵便番号から町名まで入れました/);
  await page.getByLabel(/^送付先の住所/).fill('北海道名寄市緑丘12番地');
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました');
  const address = card(page, '請求書等送付先変更');
  await expect(address).toContainText(/受付番号\s*R-\d{4}-\d{6}/);
  await expect(address).toContainText('状況: 受付');

  // 使用者名義変更, online.
  await openForm(page, '使用者名義変更');
  await page.getByLabel(/^新しい使用者のお名前/).fill('名寄 次郎');
  await page.getByLabel(/^フリガナ/).fill('なよろ じろう');
  await page.getByLabel(/^電話番号/).fill('01654-3-0000');
  await page.getByLabel(/^名義を変える日/).fill('2027-01-05');
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(card(page, '使用者名義変更')).toContainText(/R-\d{4}-\d{6}/);

  // 紙の検針票の送付希望, offline: kept as 送信待ち.
  await openForm(page, '紙の検針票の送付希望');
  await context.setOffline(true);
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('送信待ち');
  await expect(card(page, '紙の検針票の送付希望')).toContainText('送信待ち');
  await expectNoAxeViolations(page);

  // Back online the filing reaches the server but its answer is lost; the next sync sends it again with the same id.
  const sends = await sendWithLostAnswer(context, page);
  await expect(card(page, '紙の検針票の送付希望')).toContainText(/R-\d{4}-\d{6}/);
  for (const send of sends) expect(JSON.parse(send)).toEqual(JSON.parse(sends[0]!));
  const onServer = await serverProcedures(page.request);
  expect(onServer.filter((procedure) => procedure.kind === 'paper-slip')).toHaveLength(1);
  await expect(card(page, '紙の検針票の送付希望')).toHaveCount(1);

  // Its withdrawal, online.
  await openForm(page, '紙の検針票の送付希望の取り下げ');
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(card(page, '紙の検針票の送付希望の取り下げ')).toContainText(/R-\d{4}-\d{6}/);

  expect((await serverProcedures(page.request)).map((procedure) => procedure.kind).sort()).toEqual(
    ['billing-address', 'holder-change', 'paper-slip', 'paper-slip-withdrawal'].sort()
  );
  expect(new Set((await serverProcedures(page.request)).map((procedure) => procedure.receiptNo)).size).toBe(4);
  expect((await serverProcedures(page.request)).find((procedure) => procedure.kind === 'billing-address')?.content).toMatchObject({
    postalCode: '096-0071',
    address: '北海道名寄市緑丘12番地'
  });
  await expectNoAxeViolations(page);
  await withdraw(page, member);
});

test('a filing the server refuses stays on the list with the reason until the customer clears it', async ({ page, context, browser }) => {
  test.setTimeout(90_000);
  const member: NewMember = { email: freshAddress('refused'), nickname: 'ゆき', password: 'mizu-no-oto-2026', faucet: faucetFor('procedures') };
  await signUp(page, member);
  await openForm(page, '紙の検針票の送付希望');
  await context.setOffline(true);
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('送信待ち');

  // Meanwhile the faucet is removed on the customer's other device.
  const otherDevice = await browser.newContext();
  const other = await otherDevice.newPage();
  await logIn(other, member);
  await other.goto('/faucets');
  const faucetCard = other.getByRole('listitem').filter({ hasText: member.faucet.faucetNo });
  await faucetCard.getByRole('button', { name: '登録から削除' }).click();
  await faucetCard.getByRole('button', { name: '削除する' }).click();
  await expect(other.getByRole('status')).toContainText(`水栓番号 ${member.faucet.faucetNo} を登録から削除しました`);
  await otherDevice.close();

  await context.setOffline(false);
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(page.getByRole('status')).toContainText('お申し込みは受け付けられませんでした');
  const refused = card(page, '紙の検針票の送付希望');
  await expect(refused).toContainText('受け付けられませんでした');
  await expect(refused).toContainText('その水栓は登録されていません');
  await expect(refused).not.toContainText('送信待ち');
  await expectNoAxeViolations(page);
  expect(await serverProcedures(page.request)).toEqual([]);

  await refused.getByRole('button', { name: 'この表示を消す' }).click();
  await expect(refused).toHaveCount(0);
  await withdraw(page, member);
});
