import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetHistory, signupFaucetHistory } from './support/demo-history.js';
import { faucetFor, profile, signupFaucet } from './support/demo.js';
import { yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { appHomeDrawn, withdraw } from './support/member.js';
import { expectNoSidewaysScroll, largeText, phoneScreen } from './support/phone.js';
import { openOffline } from './support/offline.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

test.use(phoneScreen);

const visitorPages = ['/', '/login', '/signup', '/reset', '/move-in', '/help', '/simulator', '/menu', '/no-such-page'] as const;
const memberPages = ['/', '/history', '/history/bill', '/notices', '/procedures', '/procedures/new?kind=holder-change', '/procedures/new?kind=billing-address', '/procedures/new?kind=move-out', '/faucets', '/settings', '/withdraw', '/help', '/simulator', '/menu'] as const;

const billPath = (faucetNo: string, period: string) => `/history/bill?faucet=${faucetNo}&period=${period}`;

/** Opens a page and waits until what it is for is on screen (the device's copy read, the chart drawn). */
async function open(page: Page, path: string, faucetNo: string, latestPeriod: string): Promise<void> {
  await page.goto(path === '/history/bill' ? billPath(faucetNo, latestPeriod) : path === '/history' ? `/history?faucet=${faucetNo}` : path);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(page.locator('.loading')).toHaveCount(0);
  if (path === '/history') await expect(page.locator('canvas').first()).toBeVisible();
}

async function chooseLanguage(page: Page, language: 'English' | '日本語'): Promise<void> {
  await page.goto('/menu');
  await page.getByRole('button', { name: language }).click();
  await expect(page.getByRole('button', { name: language })).toHaveAttribute('aria-pressed', 'true');
}

async function walk(page: Page, paths: readonly string[], faucetNo: string, latestPeriod: string, where: string): Promise<void> {
  for (const language of ['日本語', 'English'] as const) {
    await chooseLanguage(page, language);
    for (const path of paths) {
      await open(page, path, faucetNo, latestPeriod);
      await expectNoSidewaysScroll(page, `${path} (${language}, ${where})`);
      await expectNoAxeViolations(page);
    }
  }
  await chooseLanguage(page, '日本語');
}

async function screenshot(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}-360x640-text200.png`);
  await page.screenshot({ path, fullPage: false });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

test('signed out, every page fits a 360 px phone at 200% text with no axe violations, ja and en, online and offline', async ({ page, context }) => {
  test.setTimeout(180_000);
  await largeText(page);
  const { faucetNo } = signupFaucet();
  await walk(page, visitorPages, faucetNo, '', 'online');

  const offline = await openOffline(context, page, '/');
  await largeText(offline);
  await walk(offline, visitorPages, faucetNo, '', 'offline');
  await context.setOffline(false);
});

async function signedUp(page: Page): Promise<{ member: NewMember; faucetNo: string; latestPeriod: string; latestTotal: number }> {
  const history = signupFaucetHistory();
  const latest = history.bills.reduce((found, bill) => (bill.period > found.period ? bill : found));
  const member = { email: freshAddress('phone'), nickname: '花子', password: 'kawa-no-nagare-2026', faucet: signupFaucet() };
  await signUp(page, member);
  return { member, faucetNo: history.customer.faucetNo, latestPeriod: latest.period, latestTotal: latest.total };
}

/** The tab bar is fixed at the bottom; what it covers is not on the first screen. */
async function expectOnFirstScreen(page: Page, element: ReturnType<Page['locator']>): Promise<void> {
  const box = await element.boundingBox();
  const tabBarTop = await page.getByRole('navigation', { name: 'メインメニュー' }).evaluate((nav) => nav.getBoundingClientRect().top);
  expect(box, 'the element is laid out').not.toBeNull();
  expect(box!.y).toBeGreaterThanOrEqual(0);
  expect(box!.y + box!.height, `bottom of the element (${box!.y + box!.height} px) above the tab bar (${tabBarTop} px)`).toBeLessThanOrEqual(tabBarTop);
}

test('signed in, Home shows the latest bill on the first screen; every member page fits at 200% text with no axe violations, online and offline', async ({
  page,
  context
}) => {
  test.setTimeout(300_000);
  await largeText(page);
  const { member, faucetNo, latestPeriod, latestTotal } = await signedUp(page);

  await page.goto('/');
  const amount = page.locator('.amount strong').first();
  await expect(amount).toHaveText(yen(latestTotal));
  await appHomeDrawn(page);
  await expectOnFirstScreen(page, amount);
  await screenshot(page, 'home');

  await open(page, '/history', faucetNo, latestPeriod);
  await screenshot(page, 'history');
  // Below 600 px the payments are cards, one a period, with 結果 in view of its period.
  await page.locator('#payments-heading').scrollIntoViewIfNeeded();
  await screenshot(page, 'history-payments');
  await open(page, '/simulator', faucetNo, latestPeriod);
  await screenshot(page, 'simulator');
  await open(page, '/help', faucetNo, latestPeriod);
  await screenshot(page, 'help');
  await open(page, '/menu', faucetNo, latestPeriod);
  await screenshot(page, 'menu');

  await walk(page, memberPages, faucetNo, latestPeriod, 'online');
  const offline = await openOffline(context, page, '/');
  await largeText(offline);
  await walk(offline, memberPages, faucetNo, latestPeriod, 'offline');
  await context.setOffline(false);

  // Frees the demo faucet for the other tests.
  await withdraw(offline, member);
});

const tokyoToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());

test('Home names each failed or unpaid bill with its amount, what to do and the phone number; a failed debit is never 振替予定', async ({ page }) => {
  test.setTimeout(120_000);
  const faucet = faucetFor('failedTransfer');
  const { bills, payments } = faucetHistory(faucet.faucetNo);
  // The rule, written here from PRODUCT.md: a failed debit, or no payment after the due date.
  const resultOf = new Map(payments.map((payment) => [payment.period, payment.result]));
  const unsettled = bills.filter((bill) => resultOf.get(bill.period) === 'failed' || (resultOf.get(bill.period) !== 'paid' && bill.dueDate !== null && bill.dueDate < tokyoToday()));
  expect(unsettled.some((bill) => resultOf.get(bill.period) === 'failed'), 'the demo story has a failed debit').toBe(true);

  const member = { email: freshAddress('unsettled'), nickname: '次郎', password: 'kawa-no-nagare-2026', faucet };
  await largeText(page);
  await signUp(page, member);
  const box = page.getByRole('group', { name: 'お支払いのお願い' });
  await expect(box.getByRole('listitem')).toHaveCount(unsettled.length);
  for (const [index, bill] of unsettled.entries()) {
    const item = box.getByRole('listitem').nth(index);
    await expect(item).toContainText(yen(bill.total));
    await expect(item).toContainText(resultOf.get(bill.period) === 'failed' ? '振替不能' : '未納');
    await expect(item).not.toContainText('振替予定');
  }
  await expect(box).toContainText('コンビニエンスストア');
  await expect(box.getByRole('link', { name: profile.phone })).toHaveAttribute('href', `tel:${profile.phone.replaceAll('-', '')}`);
  await expectNoSidewaysScroll(page, 'home with unsettled bills');
  await expectNoAxeViolations(page);
  await screenshot(page, 'home-unsettled');

  await withdraw(page, member);
});
