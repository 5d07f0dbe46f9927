import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { signupFaucetHistory } from './support/demo-history.js';
import { signupFaucet } from './support/demo.js';
import { m3, month, pair, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { withdraw } from './support/member.js';
import { signUp } from './support/signup.js';
import { chooseLanguage } from './support/menu.js';
import { test } from './support/test.js';

// The expected text is written here independently of the app's own formatting code.
const day = (date: string) => `${Number(date.slice(0, 4))}年${Number(date.slice(5, 7))}月${Number(date.slice(8, 10))}日`;
const yearBefore = (period: string) => `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
const shortDay = (date: string) => `${Number(date.slice(0, 4))}/${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;
const tokyoToday = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Tokyo' }).format(new Date());
const none = '—データなし';

/** The built chunk that holds chart.js: hashed names say nothing, its code does (a bar option's name survives minifying). */
function chartChunk(): string {
  const dir = path.join('build', '_app', 'immutable', 'chunks');
  const found = readdirSync(dir).filter((name) => name.endsWith('.js') && readFileSync(path.join(dir, name), 'utf8').includes('borderSkipped'));
  expect(found, 'exactly one built chunk holds chart.js').toHaveLength(1);
  return found[0]!;
}

const scriptsLoaded = (page: Page) =>
  page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name).filter((name) => name.endsWith('.js')));

/** The usage table as text: period, usage, last year's usage, amount, last year's amount, the link to the bill's 内訳. */
const usageTable = (page: Page) =>
  page.locator('#usage-table tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent?.trim() ?? '')));

const paymentsTable = (page: Page) =>
  page.locator('#payments-table tbody tr').evaluateAll((rows) => rows.map((row) => [...row.children].map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim() ?? '')));

test('home and history show the demo faucet\'s readings, bills and payments, also offline from IndexedDB', async ({ page, context }) => {
  test.setTimeout(120_000);
  const faucet = signupFaucet();
  const demo = signupFaucetHistory();
  const chart = chartChunk();

  // The log-in page does not download chart.js.
  await page.goto('/login');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ログイン');
  await page.waitForLoadState('networkidle');
  const loginScripts = await scriptsLoaded(page);
  expect(loginScripts.length).toBeGreaterThan(0);
  expect(loginScripts.filter((name) => name.includes(chart) || /chart/i.test(name))).toEqual([]);

  const password = 'kita-no-mizu-2026';
  await signUp(page, { email: freshAddress('billing'), nickname: 'はるこ', password, faucet });

  // Home: the latest bill and reading of the faucet, from the first sync.
  const latestBill = demo.bills.at(-1)!;
  const latestReading = demo.readings.at(-1)!;
  const card = page.getByRole('region', { name: `水栓番号 ${faucet.faucetNo}` });
  await expect(card.getByText(yen(latestBill.total), { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText(demo.customer.supplyAddress!);
  await expect(card).toContainText(`${month(latestBill.period)}分`);
  await expect(card).toContainText(pair('水道料金', yen(latestBill.waterCharge)));
  await expect(card).toContainText(pair('下水道使用料', yen(latestBill.sewerCharge)));
  await expect(card).toContainText(pair('検針日', day(latestReading.readingDate)));
  await expect(card).toContainText(pair('使用水量', m3(latestReading.usageTenths / 10)));
  // The latest transfer has not happened in the demo data: it is announced until its day, then awaited.
  const transferDate = latestBill.transferDate!;
  const transferToCome = transferDate >= tokyoToday();
  if (transferToCome) {
    await expect(card).toContainText('振替予定');
    await expect(card.getByRole('heading', { name: '次回の口座振替' })).toBeVisible();
    await expect(card).toContainText(`${day(transferDate)}（`);
    await expect(card).toContainText(`に ${yen(latestBill.total)} を口座から引き落とします`);
  } else {
    await expect(card).toContainText('振替結果の確認中');
  }
  await expect(page.getByRole('banner')).toContainText(/最終更新 \d{2}:\d{2}/);
  await expectNoAxeViolations(page);

  // A sync that fails says so, and the data stays on screen.
  const failedSync = '最新の情報に更新できませんでした';
  await page.route('**/api/trpc/*sync.pull*', (route) => route.abort());
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(page.getByRole('banner')).toContainText(failedSync);
  await expect(card.getByText(yen(latestBill.total), { exact: true })).toBeVisible();
  await expectNoAxeViolations(page);
  await page.unroute('**/api/trpc/*sync.pull*');
  await page.evaluate(() => window.dispatchEvent(new Event('online')));
  await expect(page.getByRole('banner')).not.toContainText(failedSync);

  // History: 24 months, newest first, each beside the same month a year earlier (the first year has none on the device).
  await card.getByRole('link', { name: /ご利用履歴を見る/ }).click();
  await expect(page).toHaveURL(`/history?faucet=${faucet.faucetNo}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ご利用履歴');
  await expect(page.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '履歴' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('#usage-table caption')).toContainText(`水栓番号 ${faucet.faucetNo}`);
  await expect(page.locator('#usage-table th[scope="col"]')).toHaveText(['期間', '使用水量', '前年同期の使用水量', 'ご請求額', '前年同期のご請求額', '内訳']);
  const usageOf = new Map(demo.readings.map((reading) => [reading.period, reading.usageTenths / 10]));
  const totalOf = new Map(demo.bills.map((bill) => [bill.period, bill.total]));
  const expectedUsage = [...demo.readings].reverse().slice(0, 24).map((reading) => {
    const before = yearBefore(reading.period);
    return [
      month(reading.period),
      m3(reading.usageTenths / 10),
      usageOf.has(before) ? m3(usageOf.get(before)!) : none,
      yen(totalOf.get(reading.period)!),
      totalOf.has(before) ? yen(totalOf.get(before)!) : none,
      '内訳'
    ];
  });
  expect(expectedUsage).toHaveLength(24);
  await expect.poll(() => usageTable(page)).toEqual(expectedUsage);

  // Payments: method and result of each bill; the latest one is still to be debited.
  const paymentOf = new Map(demo.payments.map((payment) => [payment.period, payment]));
  const expectedPayments = [...demo.bills].reverse().slice(0, 24).map((bill) => {
    const payment = paymentOf.get(bill.period);
    const result = payment ? (payment.result === 'paid' ? '✓ 済' : '⚠ 振替不能') : transferToCome ? '→ 振替予定' : '… 振替結果の確認中';
    return [month(bill.period), yen(bill.total), '口座振替', shortDay(bill.transferDate!), payment?.paidOn ? shortDay(payment.paidOn) : none, result];
  });
  expect(await paymentsTable(page)).toEqual(expectedPayments);

  // The charts: chart.js is loaded here, and only here.
  await expect(page.getByRole('img', { name: /使用水量（m³）の棒グラフ/ })).toBeVisible();
  await expect(page.getByRole('img', { name: /ご請求額（円）の棒グラフ/ })).toBeVisible();
  await expect(page.getByText('グラフを準備しています')).toHaveCount(0);
  expect((await scriptsLoaded(page)).filter((name) => name.includes(chart))).toHaveLength(1);
  await expectNoAxeViolations(page);

  // CSV: UTF-8 with a BOM and CRLF, Japanese headers, one line a period.
  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: 'CSVファイルをダウンロード' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`ご利用履歴_${faucet.faucetNo}.csv`);
  const bytes = await readFile(await download.path());
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const lines = bytes.subarray(3).toString('utf8').split('\r\n');
  expect(lines[0]).toMatch(/^水栓番号,使用場所,期間,検針日,今回指針（m³）,使用水量（m³）,/);
  expect(lines).toHaveLength(1 + 24 + 1);
  expect(lines.at(-1)).toBe('');
  expect(lines[1]).toContain(`${faucet.faucetNo},${demo.customer.supplyAddress},${month(latestBill.period)},${latestReading.readingDate},`);
  expect(lines[1]).toContain(`,${latestBill.waterCharge},${latestBill.sewerCharge},${latestBill.total},`);

  // Offline: a new page opens from the service worker's shell and shows the same numbers from IndexedDB.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  const home = await context.newPage();
  await home.goto('/');
  await expect(home.getByRole('banner')).toContainText('オフライン');
  await expect(home.getByRole('banner')).toContainText('この端末に保存した情報を表示しています');
  await expect(home.getByRole('banner')).toContainText(/最終更新 \d{2}:\d{2}/);
  const offlineCard = home.getByRole('region', { name: `水栓番号 ${faucet.faucetNo}` });
  await expect(offlineCard.getByText(yen(latestBill.total), { exact: true })).toBeVisible();
  await expect(offlineCard).toContainText(pair('使用水量', m3(latestReading.usageTenths / 10)));
  await expectNoAxeViolations(home);

  const history = await context.newPage();
  await history.goto('/history');
  await expect(history.getByRole('banner')).toContainText('オフライン');
  await expect.poll(() => usageTable(history)).toEqual(expectedUsage);
  expect(await paymentsTable(history)).toEqual(expectedPayments);
  await expect(history.getByRole('img', { name: /使用水量（m³）の棒グラフ/ })).toBeVisible();
  await expectNoAxeViolations(history);
  await context.setOffline(false);

  // In English: periods, amounts and results in English words.
  await chooseLanguage(history, 'English');
  await expect(history.getByRole('heading', { level: 1 })).toHaveText('Usage history');
  const [year, monthNumber] = latestBill.period.split('-').map(Number) as [number, number];
  const shortMonth = new Intl.DateTimeFormat('en-GB', { month: 'long', timeZone: 'UTC' }).format(Date.UTC(year, monthNumber - 1, 1)).slice(0, 3);
  const firstRow = history.locator('#usage-table tbody tr').first();
  await expect(firstRow.getByRole('rowheader')).toHaveText(`${shortMonth} ${year}`);
  await expect(firstRow).toContainText(`¥${latestBill.total.toLocaleString('en-US')}`);
  await expect(history.getByRole('button', { name: 'Download as CSV' })).toBeVisible();
  await expectNoAxeViolations(history);
  await chooseLanguage(history, '日本語');

  // 退会 frees the demo faucet for other tests (a faucet belongs to one account).
  await withdraw(history, { password });
});
