import { expect, type Page } from '@playwright/test';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { formatDate } from '../../src/lib/shared/format.js';
import type { SyncedProcedure } from '../../src/lib/shared/sync-wire.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetFor, profile } from './support/demo.js';
import { codeInMail, freshAddress, mailsTo } from './support/mail.js';
import { chooseLanguage } from './support/menu.js';
import { field, signUp, type NewMember } from './support/signup.js';
import { sendWithLostAnswer } from './support/offline.js';
import { test } from './support/test.js';

/** The first day a move may be asked for today, by the server's own business calendar (holidays, 年末年始). */
function earliestMoveDay(): string {
  return createBusinessCalendar(profile.closingDays).addBusinessDays(tokyoDate(new Date()), profile.moves.leadBusinessDays);
}

const card = (page: Page, name: string) => page.getByRole('listitem').filter({ has: page.getByRole('heading', { level: 3, name, exact: true }) });

const moveOut = '使用中止（お引越し・転居）';

test('a member files 使用中止 offline: a last day too soon is refused with the phone next to it; a lost answer still gives one receipt', async ({ page, context }) => {
  test.setTimeout(150_000);
  const member: NewMember = { email: freshAddress('move-out'), nickname: 'はるか', password: 'mizu-no-oto-2026', faucet: faucetFor('moveOutOffline') };
  await signUp(page, member);
  await page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '手続き' }).click();
  await page.getByRole('link', { name: new RegExp(`^${moveOut.replace(/[()（）]/g, '.')} `) }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(moveOut);
  const earliest = earliestMoveDay();
  // The hint names the first day that may be asked for, worked out on the device from its copy of the profile.
  await expect(field(page, '使用をやめる日')).toHaveAccessibleDescription(new RegExp(`${formatDate(earliest, 'ja', { weekday: true })}以降`));
  await expectNoAxeViolations(page);

  // With no network: the form is checked on the device, and queued.
  await context.setOffline(true);
  await field(page, '使用をやめる日').fill(tokyoDate(new Date()));
  await field(page, '郵便番号').fill('０９６－００７１');
  await expect(field(page, '送付先の住所')).toHaveValue('北海道名寄市緑丘');
  await expect(field(page, '送付先の住所')).toHaveAccessibleDescription(/郵便番号から町名まで入れました/);
  await field(page, '送付先の住所').fill('北海道名寄市緑丘3丁目5番地');
  await field(page, '電話番号').fill('090-1234-5678');
  // The final payment is asked, not assumed.
  await page.getByRole('button', { name: '申し込む' }).click();
  const payment = page.getByRole('radiogroup', { name: /最後の料金のお支払い方法/ });
  await expect(payment).toHaveAccessibleDescription(/どちらかを選んでください/);
  await expect(payment).toBeFocused();
  await payment.getByRole('radio', { name: '納付書を新しい住所へ送る' }).check();
  // Today is too soon: refused next to the field, with the utility's phone for an urgent one.
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(field(page, '使用をやめる日')).toHaveAccessibleDescription(new RegExp(`お急ぎの場合はお電話で（${profile.phone}）`));
  await expect(field(page, '使用をやめる日')).toBeFocused();
  await expectNoAxeViolations(page);
  await field(page, '使用をやめる日').fill(earliest);
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(page.getByRole('status')).toContainText('送信待ち');
  const filed = card(page, moveOut);
  await expect(filed).toContainText('送信待ち');
  await expect(filed).toContainText(formatDate(earliest, 'ja', { weekday: true }));
  await expect(filed).toContainText('北海道名寄市緑丘3丁目5番地');

  // Back online the filing reaches the server but its answer is lost; the next sync sends it again with the same id.
  const sends = await sendWithLostAnswer(context, page);
  await expect(filed).toContainText(/受付番号\s*R-\d{4}-\d{6}/);
  for (const send of sends) expect(JSON.parse(send)).toEqual(JSON.parse(sends[0]!));
  await expect(filed).toHaveCount(1);
  const response = await page.request.get('/api/trpc/procedures.mine');
  const onServer = ((await response.json()) as { result: { data: SyncedProcedure[] } }).result.data;
  expect(onServer).toHaveLength(1);
  expect(onServer[0]).toMatchObject({
    kind: 'move-out',
    faucetNo: member.faucet.faucetNo,
    content: { lastDay: earliest, postalCode: '096-0071', address: '北海道名寄市緑丘3丁目5番地', finalPayment: 'slip', phone: '09012345678' }
  });
  await expectNoAxeViolations(page);

  // The same form in English, with its refusals showing.
  await chooseLanguage(page, 'English');
  await page.goto('/procedures/new?kind=move-out');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Stopping the supply (moving out)');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('radiogroup', { name: /How to pay the final bill/ })).toHaveAccessibleDescription(/Please choose one/);
  await expectNoAxeViolations(page);
});

/** The public form's steps up to the form itself, the code read from the mail. */
async function confirmEmail(page: Page, email: string, texts: { send: string; next: string; codeLabel: string }): Promise<void> {
  await field(page, texts.send === '確認コードを送る' ? 'メールアドレス' : 'E-mail address').fill(email);
  await page.getByRole('button', { name: texts.send }).click();
  await expect(page.getByRole('heading', { level: 2 })).toContainText(texts.codeLabel);
  await expectNoAxeViolations(page);
  await page.locator('#code').fill(await codeInMail(email, 1));
  await page.getByRole('button', { name: texts.next }).click();
}

test('a visitor files 使用開始 with a confirmed e-mail, errors next to the fields, and gets the receipt by mail', async ({ page }) => {
  test.setTimeout(90_000);
  const email = freshAddress('move-in');
  await page.goto('/');
  await page.getByRole('link', { name: '水道を使い始めるとき（使用開始のお申し込み）' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('水道の使用開始のお申し込み');
  await expectNoAxeViolations(page);
  await confirmEmail(page, email, { send: '確認コードを送る', next: '次へ', codeLabel: '確認コード' });
  await expect(page.getByRole('heading', { level: 2 })).toContainText('お申し込みの内容');

  const earliest = earliestMoveDay();
  await expect(field(page, '使用を始める日')).toHaveAccessibleDescription(new RegExp(`${formatDate(earliest, 'ja', { weekday: true })}以降`));
  await expect(field(page, '水栓番号')).toHaveAccessibleDescription(/メーターの近く/);
  await field(page, '使用場所の郵便番号').fill('096-0071');
  await expect(field(page, '使用場所の住所')).toHaveValue('北海道名寄市緑丘');
  await field(page, '使用場所の住所').fill('北海道名寄市緑丘8番地 コーポみどり101');
  await field(page, 'ご使用になる方のお名前').fill('名寄 花子');
  await field(page, 'フリガナ').fill('なよろ はなこ');
  await field(page, '電話番号').fill('０９０－８７６５－４３２１');
  await field(page, '使用を始める日').fill(tokyoDate(new Date()));
  await page.getByRole('button', { name: '申し込む' }).click();
  const debit = page.getByRole('radiogroup', { name: /口座振替のご希望/ });
  await expect(debit).toHaveAccessibleDescription(/どちらかを選んでください/);
  await expectNoAxeViolations(page);
  await debit.getByRole('radio', { name: /^口座振替を希望する/ }).check();
  await page.getByRole('button', { name: '申し込む' }).click();
  await expect(field(page, '使用を始める日')).toHaveAccessibleDescription(new RegExp(`お急ぎの場合はお電話で（${profile.phone}）`));
  await field(page, '使用を始める日').fill(earliest.replaceAll('-', '/'));
  await page.getByRole('button', { name: '申し込む' }).click();

  await expect(page.getByRole('status')).toContainText('お申し込みを受け付けました');
  const receiptNo = (await page.locator('.receipt').textContent())!.trim();
  expect(receiptNo).not.toBe('');
  await expect(page.getByText(`受付番号を ${email} にメールでお送りしました`)).toBeVisible();
  await expect(page.getByText(/会員登録ができるようになります/)).toBeVisible();
  await expectNoAxeViolations(page);
  // The code first, then the receipt.
  const [, receipt] = await mailsTo(email, 2);
  expect(receipt!.text).toContain(receiptNo);
});

test('the public 使用開始 form reads in English, with its refusals, and is linked from help', async ({ page }) => {
  test.setTimeout(90_000);
  await page.goto('/help');
  await page.getByRole('link', { name: '使用開始を申し込む' }).click();
  await expect(page).toHaveURL('/move-in');
  await chooseLanguage(page, 'English');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Apply to start the water supply');
  await expectNoAxeViolations(page);
  await confirmEmail(page, freshAddress('move-in-en'), { send: 'Send the code', next: 'Next', codeLabel: 'Verification code' });
  await expect(page.getByRole('heading', { level: 2 })).toContainText('Application');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(field(page, 'Supply address')).toHaveAccessibleDescription(/Please fill this in/);
  await expectNoAxeViolations(page);
});
