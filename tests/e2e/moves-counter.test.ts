import { expect, type Page } from '@playwright/test';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { tokyoDate, tokyoMidnight } from '../../src/lib/shared/tokyo-time.js';
import { expectNoAxeViolations } from './support/axe.js';
import { exportChanges } from './support/billing-office.js';
import { faucetFor, profile } from './support/demo.js';
import { codeInMail, freshAddress, mailsTo } from './support/mail.js';
import { signUp, type NewMember } from './support/signup.js';
import { fileFromPage, staffPage } from './support/staff.js';
import { test } from './support/test.js';

const calendar = createBusinessCalendar(profile.closingDays);
/** The earliest day a move may be asked for today. */
const moveDay = calendar.addBusinessDays(tokyoDate(new Date()), profile.moves.leadBusinessDays);

/** A visitor's 使用開始 through the public routes, as the move-in page sends them: the receipt number. */
async function fileMoveIn(page: Page, email: string): Promise<string> {
  const call = (path: string, input: unknown) =>
    page.evaluate(
      async ({ path, input }) => {
        const answer = await fetch(`/api/trpc/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(input) });
        return ((await answer.json()) as { result: { data: Record<string, string> } }).result.data;
      },
      { path, input }
    );
  await call('moves.requestCode', { email });
  const { ticket } = await call('moves.verifyCode', { email, code: await codeInMail(email, 1) });
  const fields = {
    supplyPostalCode: '096-0071',
    supplyAddress: '北海道名寄市緑丘2-3',
    faucetNo: '',
    applicantName: '新居 三郎',
    applicantKana: 'アライ サブロウ',
    phone: '090-1111-2222',
    firstDay: moveDay,
    debit: 'no'
  };
  return (await call('moves.fileMoveIn', { ticket, clientId: crypto.randomUUID(), fields })).receiptNo!;
}

test('a clerk finds both moves in the moves queue, sees what a move-out needs checked, finishes them, and the changes file carries each once', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const member: NewMember = { email: freshAddress('mover'), nickname: 'ひっこし', password: 'mizu-no-kaze-2026', faucet: faucetFor('moveOut') };
  await signUp(page, member);
  const moveOut = await fileFromPage(page, member.faucet.faucetNo, 'move-out', {
    lastDay: moveDay,
    postalCode: '001-0024',
    address: '札幌市北区北24条西5丁目1番地',
    finalPayment: 'slip',
    phone: '090-3333-4444'
  });
  const visitor = freshAddress('newcomer');
  // The visitor's own browser, on one of the portal's pages: the routes take calls from its origin only.
  const visitorPage = await (await browser.newContext()).newPage();
  await visitorPage.goto('/login');
  const moveIn = await fileMoveIn(visitorPage, visitor);

  const { page: desk } = await staffPage(browser, 'clerk');
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '手続き' }).click();
  await desk.getByLabel('手続きの種類').selectOption({ label: 'お引越し（使用開始・使用中止）' });
  await desk.getByRole('button', { name: '絞り込む' }).click();
  await expect(desk).toHaveURL('/staff/procedures?kind=moves');
  await expect(desk.getByRole('row').filter({ hasText: moveOut })).toContainText('使用中止');
  await expect(desk.getByRole('row').filter({ hasText: moveIn })).toContainText(visitor);
  await expectNoAxeViolations(desk);

  // 使用中止: the slip and the unsettled bills first, the forwarding address in the clerk's words.
  await desk.getByRole('link', { name: moveOut }).click();
  await expect(desk.getByRole('heading', { name: '使用中止の確認事項' })).toBeVisible();
  await expect(desk.getByText('Webのみ（紙の検針票は送っていません）')).toBeVisible();
  await expect(desk.getByRole('definition').filter({ hasText: /^なし$/ })).toBeVisible();
  await expect(desk.getByText('転居先（最終料金の送付先）')).toBeVisible();
  await expect(desk.getByText('納付書を新しい住所へ送る')).toBeVisible();
  await expectNoAxeViolations(desk);
  await desk.getByLabel('新しい状況').selectOption({ label: '完了' });
  await desk.getByRole('button', { name: '変更する' }).click();
  await expect(desk.getByRole('status')).toContainText('「完了」に変更しました。');

  // 使用開始: no contract yet, the confirmed address; its 完了 goes to that address by mail.
  await desk.goBack();
  await desk.getByRole('link', { name: moveIn }).click();
  await expect(desk.getByText('申請者のメールアドレス（会員登録なし。状況はメールで届きます）')).toBeVisible();
  await expect(desk.getByText(visitor)).toBeVisible();
  await expectNoAxeViolations(desk);
  await desk.getByLabel('新しい状況').selectOption({ label: '完了' });
  await desk.getByLabel('お客様へのメモ').fill('初日に開栓に伺います');
  await desk.getByRole('button', { name: '変更する' }).click();
  await expect(desk.getByRole('status')).toContainText('「完了」に変更しました。');
  const [, , done] = await mailsTo(visitor, 3);
  expect(done!.subject).toContain(moveIn);
  expect(done!.text).toContain('初日に開栓に伺います');

  // The export run on the business day before the moves' day hands both over, once.
  const dayBefore = new Date(tokyoMidnight(calendar.addBusinessDays(tokyoDate(new Date()), profile.moves.leadBusinessDays - 1)).getTime() + 17 * 3600_000);
  const file = await exportChanges(dayBefore);
  expect(file.split('\r\n').filter((line) => line.startsWith(`${moveOut},${member.faucet.faucetNo},move_out,${moveDay},`))).toHaveLength(1);
  expect(file.split('\r\n').filter((line) => line.startsWith(`${moveIn},,move_in,${moveDay},新居 三郎,アライ サブロウ,09011112222,`))).toHaveLength(1);
  const again = await exportChanges(dayBefore);
  expect(again).not.toContain(moveOut);
  expect(again).not.toContain(moveIn);
});
