import { expect, type Locator, type Page } from '@playwright/test';
import { parseProfile } from '../../server/config.js';
import { publicProfile } from '../../server/features/utility/service.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { expectNoAxeViolations } from './support/axe.js';
import { signupFaucetHistory } from './support/demo-history.js';
import { profile, signupFaucet } from './support/demo.js';
import { month, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { openOffline } from './support/offline.js';
import { withdraw } from './support/member.js';
import { field, signUp } from './support/signup.js';
import { chooseLanguage } from './support/menu.js';
import { test } from './support/test.js';

/** A table's rows as [row header, amount], whitespace collapsed. */
const rowsOf = (table: Locator) =>
  table.locator('tbody tr').evaluateAll((rows) =>
    rows.map((row) => [...row.children].map((cell) => cell.textContent?.replace(/\s+/g, ' ').trim() ?? ''))
  );

/** The simulator's or the 内訳's first table: water, sewer, total and tax, each with tax included. */
const summary = (page: Page) => rowsOf(page.locator('table[id$="-summary"]'));

/** The summary rows expected in Japanese. */
const summaryText = (amounts: { waterCharge: number; sewerCharge: number; total: number; tax: number }) => [
  ['水道料金（税込）', yen(amounts.waterCharge)],
  ['下水道使用料（税込）', yen(amounts.sewerCharge)],
  ['合計（税込）', yen(amounts.total)],
  ['うち消費税', yen(amounts.tax)]
];

test('the simulator opens offline in a new page, without signing in, and computes with each tariff line', async ({ page, context }) => {
  test.setTimeout(90_000);
  // Reachable from the first page without an account.
  await page.goto('/');
  await page.getByRole('link', { name: '料金シミュレーション' }).click();
  await expect(page).toHaveURL('/simulator');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('料金シミュレーション');
  await expect(field(page, '使用水量')).toBeVisible();

  const simulator = await openOffline(context, page, '/simulator');
  await expect(simulator.getByRole('banner')).toContainText('オフライン');

  // Bad input is said next to the field, and nothing is computed.
  await field(simulator, '使用水量').fill('12.34');
  await simulator.getByRole('button', { name: '計算する' }).click();
  await expect(field(simulator, '使用水量')).toHaveAttribute('aria-invalid', 'true');
  await expect(field(simulator, '使用水量')).toBeFocused();
  await expect(simulator.locator('#usage-error')).toHaveText('⚠ エラー：小数点以下は1桁までで入力してください（例：22.5）');
  await expect(simulator.getByRole('heading', { name: '計算結果' })).toHaveCount(0);
  await expectNoAxeViolations(simulator);

  // Full-width digits; the smallest meter and monthly reading are chosen to begin with.
  // By hand from server/profiles/demo.json: water 1,650 + 10 × 0 + 10 × 210 + 5 × 250 = 5,000 → 5,500 with 10% tax (rounded down);
  // sewer 1,430 + 10 × 0 + 10 × 190 + 5 × 230 = 4,480 → 4,928.
  await field(simulator, '使用水量').fill('２５');
  await expect(simulator.getByRole('radio', { name: '13mm' })).toBeChecked();
  await expect(simulator.getByRole('radio', { name: '毎月検針（市街地）' })).toBeChecked();
  await simulator.getByRole('button', { name: '計算する' }).click();
  await expect(simulator.getByRole('heading', { name: '計算結果' })).toBeFocused();
  await expect(simulator.getByText('25.0 m³・口径13mm・1か月分')).toBeVisible();
  expect(await summary(simulator)).toEqual(summaryText({ waterCharge: 5500, sewerCharge: 4928, total: 10428, tax: 948 }));
  expect(await rowsOf(simulator.locator('#simulated-water'))).toEqual([
    ['基本料金（口径13mm・1か月分）', '1,650円'],
    ['従量料金 10 m³までの分 10.0 m³ × 1 m³あたり0円', '0円'],
    ['従量料金 10 m³を超え20 m³までの分 10.0 m³ × 1 m³あたり210円', '2,100円'],
    ['従量料金 20 m³を超え50 m³までの分 5.0 m³ × 1 m³あたり250円', '1,250円'],
    ['小計（税抜）', '5,000円'],
    ['消費税（10%）', '500円'],
    ['水道料金（税込）', '5,500円']
  ]);
  expect(await rowsOf(simulator.locator('#simulated-sewer'))).toEqual([
    ['基本料金（1か月分）', '1,430円'],
    ['従量料金 10 m³までの分 10.0 m³ × 1 m³あたり0円', '0円'],
    ['従量料金 10 m³を超え20 m³までの分 10.0 m³ × 1 m³あたり190円', '1,900円'],
    ['従量料金 20 m³を超える分 5.0 m³ × 1 m³あたり230円', '1,150円'],
    ['小計（税抜）', '4,480円'],
    ['消費税（10%）', '448円'],
    ['下水道使用料（税込）', '4,928円']
  ]);
  await expectNoAxeViolations(simulator);

  // Bimonthly, 20 mm, 30 m³: basic charges twice and tier bounds doubled.
  // water 2 × 2,310 + 20 × 0 + 10 × 210 = 6,720 → 7,392; sewer 2 × 1,430 + 20 × 0 + 10 × 190 = 4,760 → 5,236.
  await field(simulator, '使用水量').fill('30');
  await simulator.getByRole('radio', { name: '20mm' }).check();
  await simulator.getByRole('radio', { name: '隔月検針（郊外）' }).check();
  await simulator.getByRole('button', { name: '計算する' }).click();
  await expect(simulator.getByText('30.0 m³・口径20mm・2か月分')).toBeVisible();
  expect(await summary(simulator)).toEqual(summaryText({ waterCharge: 7392, sewerCharge: 5236, total: 12628, tax: 1148 }));

  // In English (chosen in the menu, so the form starts afresh), the same result in English words; axe finds nothing either.
  await chooseLanguage(simulator, 'English');
  await expect(simulator.getByRole('heading', { level: 1 })).toHaveText('Fee simulator');
  await field(simulator, 'Usage').fill('30');
  await simulator.getByRole('radio', { name: '20 mm' }).check();
  await simulator.getByRole('radio', { name: 'Read every two months (outlying districts)' }).check();
  await simulator.getByRole('button', { name: 'Calculate' }).click();
  expect(await summary(simulator)).toEqual([
    ['Water charge (tax included)', '¥7,392'],
    ['Sewerage charge (tax included)', '¥5,236'],
    ['Total (tax included)', '¥12,628'],
    ['Of which consumption tax', '¥1,148']
  ]);
  await field(simulator, 'Usage').fill('abc');
  await simulator.getByRole('button', { name: 'Calculate' }).click();
  await expect(simulator.locator('#usage-error')).toContainText('Enter the usage as a number');
  await expectNoAxeViolations(simulator);
  await chooseLanguage(simulator, '日本語');
  await context.setOffline(false);
});

test('内訳 on a bill in the history shows the same numbers as the bill, line by line', async ({ page }) => {
  test.setTimeout(90_000);
  const faucet = signupFaucet();
  const demo = signupFaucetHistory();
  const meterSizeMm = demo.customer.meterSizeMm!;
  const password = 'uchiwake-no-mizu-2026';
  await signUp(page, { email: freshAddress('fees'), nickname: 'なつこ', password, faucet });

  await page.goto(`/history?faucet=${faucet.faucetNo}`);
  // Two bills: the latest and one from a year before.
  for (const bill of [demo.bills.at(-1)!, demo.bills.at(-13)!]) {
    await page.getByRole('link', { name: `${month(bill.period)}分の内訳` }).click();
    await expect(page).toHaveURL(`/history/bill?faucet=${faucet.faucetNo}&period=${bill.period}`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('ご請求の内訳');
    await expect(page.getByRole('heading', { level: 2 }).first()).toContainText(`${month(bill.period)}分`);
    await expect(page.locator('#bill-facts')).toContainText(`${meterSizeMm}mm（ご契約の口径）`);
    await expect(page.locator('#bill-facts')).toContainText(yen(bill.total));
    expect(await summary(page)).toEqual(summaryText({ ...bill, tax: bill.tax! }));
    await expect(page.getByText('料金表による計算は、ご請求額と一致しています。')).toBeVisible();
    // The lines add up to each part before tax, as the tables print them.
    for (const part of ['water', 'sewer'] as const) {
      const rows = await rowsOf(page.locator(`#bill-${part}`));
      const amount = (text: string) => Number(text.replace(/[^\d.]/g, ''));
      const lines = rows.slice(0, -3).reduce((sum, [, yenText]) => sum + amount(yenText!), 0);
      expect(Math.floor(lines)).toBe(amount(rows.at(-3)![1]!));
      expect(rows.at(-1)![1]).toBe(yen(part === 'water' ? bill.waterCharge : bill.sewerCharge));
    }
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'ご利用履歴に戻る' }).click();
    await expect(page).toHaveURL(`/history?faucet=${faucet.faucetNo}`);
  }

  await page.getByRole('link', { name: `${month(demo.bills.at(-1)!.period)}分の内訳` }).click();
  // On the bill's page before the menu: the language switch comes back to where it was called.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ご請求の内訳');
  await chooseLanguage(page, 'English');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Bill in detail');
  await expect(page.getByText('The tariff gives exactly this bill.')).toBeVisible();
  await expectNoAxeViolations(page);
  await chooseLanguage(page, '日本語');

  await withdraw(page, { password });
});

test('on a 360 px phone with large text, the simulator and its result fit the width', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await page.goto('/simulator');
  // Text at 225 % (the app's 112.5 % root, doubled); the CSP leaves the CSSOM free.
  await page.evaluate(() => (document.documentElement.style.fontSize = '225%'));
  await field(page, '使用水量').fill('123.4');
  await page.getByRole('radio', { name: '50mm' }).check();
  await page.getByRole('button', { name: '計算する' }).click();
  await expect(page.getByRole('heading', { name: '計算結果' })).toBeVisible();
  // The page's own content; the shared header is another part's.
  const overflowing = await page.evaluate(() =>
    [...document.querySelectorAll('#main *')].filter((element) => element.getBoundingClientRect().right > innerWidth).map((element) => element.outerHTML.slice(0, 80))
  );
  expect(overflowing).toEqual([]);
  // water 14,300 + 10 × 210 + 30 × 250 + 73.4 × 290 = 45,186 → 49,704; sewer 1,430 + 10 × 190 + 103.4 × 230 = 27,112 → 29,823.
  await expect(page.locator('#simulated-summary tr.total td')).toHaveText('79,527円');
});

test('a utility with tariff districts (a merged 企業団): the customer picks the district, and its tariff computes', async ({ page }) => {
  // The e2e server runs the demo utility, which has one tariff: its profile comes back here as a
  // 企業団's, read by the server's own schema and public view, as a server so configured answers it.
  const furenTariff = {
    ...profile.tariff,
    water: { basicChargeByMeterSize: { '13': 1870, '20': 2640 }, volumeTiers: [{ upToM3: 10, yenPerM3: 0 }, { upToM3: 20, yenPerM3: 230 }, { upToM3: null, yenPerM3: 270 }] },
    sewer: { basicCharge: 1650, volumeTiers: [{ upToM3: 10, yenPerM3: 0 }, { upToM3: null, yenPerM3: 210 }] }
  };
  const merged = parseProfile(
    JSON.stringify({
      ...profile,
      tariffDistricts: {
        defaultLabel: { ja: '名寄地区', en: 'Nayoro' },
        districts: [{ id: 'furen', label: { ja: '風連地区', en: 'Furen' }, tariff: furenTariff }]
      }
    }),
    'a 企業団 profile'
  );
  // The app batches its first queries: the profile's answer is at its procedure's place in the path.
  await page.route('**/api/trpc/*utility.profile*', async (route) => {
    const procedures = decodeURIComponent(new URL(route.request().url()).pathname.replace('/api/trpc/', '')).split(',');
    const answers = (await (await route.fetch()).json()) as { result: { data: unknown } }[];
    answers[procedures.indexOf('utility.profile')]!.result.data = publicProfile(merged, tokyoDate(new Date()));
    await route.fulfill({ json: answers });
  });
  await page.goto('/simulator');

  // The utility's own tariff is chosen to begin with; its 25 mm meter is one Furen's tariff does not price.
  const districts = page.getByRole('radiogroup', { name: '料金区域' });
  await expect(districts.getByRole('radio')).toHaveCount(2);
  await expect(districts.getByRole('radio', { name: '名寄地区' })).toBeChecked();
  await field(page, '使用水量').fill('25');
  await page.getByRole('radio', { name: '25mm' }).check();
  await page.getByRole('button', { name: '計算する' }).click();
  await expect(page.getByText('名寄地区・25.0 m³・口径25mm・1か月分')).toBeVisible();

  // Furen prices 13 and 20 mm only: the size falls back to its smallest.
  // water 1,870 + 10 × 0 + 10 × 230 + 5 × 270 = 5,520 → 6,072; sewer 1,650 + 10 × 0 + 15 × 210 = 4,800 → 5,280.
  await districts.getByRole('radio', { name: '風連地区' }).check();
  await expect(page.getByRole('radio', { name: /mm$/ })).toHaveCount(2);
  await expect(page.getByRole('radio', { name: '13mm' })).toBeChecked();
  await page.getByRole('button', { name: '計算する' }).click();
  await expect(page.getByText('風連地区・25.0 m³・口径13mm・1か月分')).toBeVisible();
  expect(await summary(page)).toEqual(summaryText({ waterCharge: 6072, sewerCharge: 5280, total: 11352, tax: 1032 }));
  expect(await rowsOf(page.locator('#simulated-sewer'))).toEqual([
    ['基本料金（1か月分）', '1,650円'],
    ['従量料金 10 m³までの分 10.0 m³ × 1 m³あたり0円', '0円'],
    ['従量料金 10 m³を超える分 15.0 m³ × 1 m³あたり210円', '3,150円'],
    ['小計（税抜）', '4,800円'],
    ['消費税（10%）', '480円'],
    ['下水道使用料（税込）', '5,280円']
  ]);
  await expectNoAxeViolations(page);
  await page.unroute('**/api/trpc/*utility.profile*');
});
