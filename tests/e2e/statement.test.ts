import { expect } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { corporateFaucets, profile } from './support/demo.js';
import { onDeviceDatabase } from './support/device-db.js';
import { freshAddress } from './support/mail.js';
import { chooseLanguage } from './support/menu.js';
import { openOffline } from './support/offline.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

/** Pages in a PDF as Chromium writes it: one page object each. */
const pdfPages = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;

test('offline, a company prints one bill as a qualified invoice on one A4 page, and its year statement lists every bill of its 20 faucets', async ({ page, context }) => {
  test.setTimeout(240_000);
  const faucets = corporateFaucets();
  expect(faucets).toHaveLength(20);
  const [first, ...others] = faucets;
  const member: NewMember = { email: freshAddress('company'), nickname: '北都経理課', password: 'hokuto-keiri-2026', faucet: first! };
  await signUp(page, member);
  // The other 19 added as the faucets page does, through the API from the member's page.
  const statuses = await page.evaluate(async (numbers) => {
    const answers = [];
    for (const { faucetNo, phone } of numbers) {
      const added = await fetch('/api/trpc/faucets.add', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ faucetNo, phone, label: null, consent: true })
      });
      answers.push(added.status);
    }
    return answers;
  }, others);
  expect(statuses).toEqual(others.map(() => 200));
  await page.reload();
  await expect
    .poll(async () => (await onDeviceDatabase(page, { read: ['faucets'] })).rows.faucets!.length, { message: 'the 20 faucets synced', timeout: 60_000 })
    .toBe(20);

  const latest = first!.billedPeriods.at(-1)!;
  const offline = await openOffline(context, page, `/history/statement?faucet=${first!.faucetNo}&period=${latest}`);
  const invoice = offline.getByRole('article', { name: '請求書（適格請求書）' });
  await expect(invoice).toContainText('株式会社北都フードサービス 様');
  await expect(invoice).toContainText(profile.invoice!.registrationNumber);
  await expect(invoice.getByRole('row', { name: /^合計（10%対象）/ })).toContainText(/[\d,]+円/);
  await expect(invoice.getByRole('row', { name: /^うち消費税等（10%）/ })).toContainText(/[\d,]+円/);
  await expectNoAxeViolations(offline);
  expect(pdfPages(await offline.pdf({ format: 'A4' }))).toBe(1);

  // The year up to the latest bill, every faucet: each bill once.
  const from = `${Number(latest.slice(0, 4)) - 1}${latest.slice(4)}`;
  await offline.goto(`/history/statement?from=${from}&to=${latest}`);
  const expected = faucets.flatMap((faucet) => faucet.billedPeriods.filter((period) => period >= from && period <= latest));
  const label = (period: string) => `${period.slice(0, 4)}年${Number(period.slice(5))}月`;
  const table = offline.getByRole('table', { name: new RegExp(`^${label(from)}〜${label(latest)}のご請求`) });
  await expect(table.locator('tbody tr')).toHaveCount(expected.length);
  await expect(table.locator('tfoot')).toContainText('合計');
  await expectNoAxeViolations(offline);
  // One faucet's, chosen on the page.
  await offline.getByLabel('水栓', { exact: true }).selectOption(first!.faucetNo);
  await offline.getByRole('button', { name: '表示する' }).click();
  await expect(offline).toHaveURL(`/history/statement?faucet=${first!.faucetNo}&from=${from}&to=${latest}`);
  await expect(table.locator('tbody tr')).toHaveCount(first!.billedPeriods.filter((period) => period >= from && period <= latest).length);
  await chooseLanguage(offline, 'English');
  await offline.goto(`/history/statement?from=${from}&to=${latest}`);
  await expect(offline.getByRole('heading', { level: 2 })).toContainText('Statement of bills');
  await expectNoAxeViolations(offline);
  await chooseLanguage(offline, '日本語');
});
