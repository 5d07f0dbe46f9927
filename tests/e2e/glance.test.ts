import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetHistory, signupFaucetHistory } from './support/demo-history.js';
import { faucetFor, otherFaucet, signupFaucet, type DemoFaucet } from './support/demo.js';
import { importIntoPortal } from './support/billing-office.js';
import { month, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { addFaucetFromMenu, appHomeDrawn } from './support/member.js';
import { chooseLanguage, logOutFromMenu } from './support/menu.js';
import { customerState } from './support/portal-state.js';
import { expectInViewport, expectNoSidewaysScroll, phoneScreen, textSize } from './support/phone.js';
import { field, signUp } from './support/signup.js';
import { test } from './support/test.js';

// What an elderly customer reads at a glance on a 360 px phone, at 100 % and at 200 % text.
test.use(phoneScreen);

const sizes = [100, 200] as const;

/** A screenshot of the screen as it is scrolled now, under E2E_SHOTS when set (the notes' folder) and in the report. */
async function screenshot(page: Page, name: string): Promise<void> {
  const path = process.env.E2E_SHOTS ? `${process.env.E2E_SHOTS}/${name}.png` : test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

test('履歴: the latest amount and its 内訳 in view without sideways scrolling, the charts with their scale, the CSV near the top', async ({ page }) => {
  test.setTimeout(120_000);
  const history = signupFaucetHistory();
  const latest = history.bills.reduce((found, bill) => (bill.period > found.period ? bill : found));
  await signUp(page, { email: freshAddress('glance-history'), nickname: '花子', password: 'kawa-no-nagare-2026', faucet: signupFaucet() });

  for (const size of sizes) {
    await textSize(page, size);
    for (const language of ['日本語', 'English'] as const) {
      await page.goto(`/history?faucet=${history.customer.faucetNo}`);
      await chooseLanguage(page, language);
      await expect(page.locator('canvas').first()).toBeVisible();
      const where = `${size} % text, ${language}`;

      // The CSV button comes before the periods and the charts.
      const csv = page.getByRole('button', { name: language === '日本語' ? 'CSVファイルをダウンロード' : 'Download as CSV' });
      const top = async (locator: ReturnType<Page['locator']>) => (await locator.boundingBox())!.y;
      expect(await top(csv), `CSV above the periods (${where})`).toBeLessThan(await top(page.locator('#table-heading')));

      // The newest period's card: its amount and its 内訳 together on the screen.
      const card = page.locator('#usage-cards > li').first();
      const amount = card.locator('.card-amount strong');
      await card.locator('.card-amount').evaluate((line) => line.scrollIntoView({ block: 'center' }));
      await expect(amount).toHaveText(language === '日本語' ? yen(latest.total) : new RegExp(latest.total.toLocaleString('en-US')));
      await expectInViewport(page, amount, `the latest amount (${where})`);
      await expectInViewport(page, card.locator('a.breakdown'), `its 内訳 (${where})`);
      if (language === '日本語') await screenshot(page, `history-cards-360-text${size}`);

      // Each chart's scale (the amounts on its left) stays in view, however wide the chart scrolls.
      for (const chart of await page.locator('.chart-box').all()) {
        await chart.scrollIntoViewIfNeeded();
        const scale = chart.locator('.pinned-scale');
        const box = (await scale.boundingBox())!;
        expect([box.x >= 0, box.width > 0, box.x + box.width <= 360], `the chart's scale at x ${box.x}–${box.x + box.width} (${where})`).toEqual([true, true, true]);
        const drawn = () =>
          scale.evaluate((canvas: HTMLCanvasElement) => {
            const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
            return pixels.some((value, index) => index % 4 === 3 && value > 0);
          });
        await expect.poll(drawn, { message: `the chart's scale is drawn (${where})` }).toBe(true);
      }
      if (language === '日本語') await screenshot(page, `history-chart-360-text${size}`);
      await expectNoSidewaysScroll(page, `history (${where})`);
      await expectNoAxeViolations(page);
    }
    await chooseLanguage(page, '日本語');
  }
});

/** Signs up with the demo's faucet whose latest debit failed, and adds a second one. */
async function memberWithTwoFaucets(page: Page, name: string): Promise<{ failing: DemoFaucet; second: DemoFaucet }> {
  const failing = faucetFor('failedTransfer');
  const second = otherFaucet();
  await signUp(page, { email: freshAddress(name), nickname: '次郎', password: 'kawa-no-nagare-2026', faucet: failing });
  await addFaucetFromMenu(page, second);
  return { failing, second };
}

test('Home: failed debits of every faucet above everything, then one short row a faucet that opens its bills', async ({ page }) => {
  test.setTimeout(150_000);
  const { failing, second } = await memberWithTwoFaucets(page, 'glance-home');

  for (const size of sizes) {
    await textSize(page, size);
    await page.goto('/');
    const todo = page.getByRole('group', { name: 'お支払いのお願い' });
    await expect(todo).toContainText('振替不能');
    await expect(todo).toContainText(`水栓番号 ${failing.faucetNo}`);
    await appHomeDrawn(page);
    // Right under the page's heading, before any faucet: its top on the first screen.
    const heading = (await page.getByRole('heading', { level: 1 }).boundingBox())!;
    const box = (await todo.boundingBox())!;
    const rowsTop = (await page.locator('#faucet-rows-heading').boundingBox())!.y;
    expect([box.y > heading.y, box.y < 640, box.y + box.height <= rowsTop], `the box at y ${box.y}–${box.y + box.height}, the rows from ${rowsTop} (${size} %)`).toEqual([true, true, true]);
    await screenshot(page, `home-todo-360-text${size}`);

    // One row a faucet, each at most a quarter of the screen at 100 % text, half of it at 200 %: twenty faucets stay a short page.
    const rows = page.locator('a.faucet-row');
    await expect(rows).toHaveCount(2);
    const secondRow = page.getByRole('link', { name: new RegExp(`^水栓番号 ${second.faucetNo}`) });
    await expect(secondRow).toContainText(yen(faucetHistory(second.faucetNo).bills.at(-1)!.total));
    await expect(secondRow).toContainText(/済|振替予定|振替結果の確認中|お支払い前/);
    await secondRow.scrollIntoViewIfNeeded();
    await screenshot(page, `home-rows-360-text${size}`);
    for (const row of await rows.all()) expect((await row.boundingBox())!.height).toBeLessThanOrEqual((640 * size) / 400);
    await expectNoSidewaysScroll(page, `home (${size} %)`);
    for (const language of ['English', '日本語'] as const) {
      await chooseLanguage(page, language);
      await expectNoAxeViolations(page);
    }

    // The row opens that faucet's bills, under the same box of what is to be done.
    await secondRow.click();
    await expect(page).toHaveURL(`/?faucet=${second.faucetNo}`);
    await expect(page.getByRole('region', { name: `水栓番号 ${second.faucetNo}` }).locator('.amount strong')).toHaveText(
      yen(faucetHistory(second.faucetNo).bills.at(-1)!.total)
    );
    await expect(todo).toBeVisible();
    await screenshot(page, `home-faucet-360-text${size}`);
    await expectNoAxeViolations(page);
    await page.getByRole('link', { name: 'すべての水栓の一覧に戻る' }).click();
    await expect(rows).toHaveCount(2);
  }
});

test('the procedure form\'s faucet picker: radios of a normal size, each label at least 200 px wide', async ({ page }) => {
  test.setTimeout(120_000);
  const { failing, second } = await memberWithTwoFaucets(page, 'glance-picker');
  for (const size of sizes) {
    await textSize(page, size);
    await page.goto('/procedures/new?kind=billing-address');
    const picker = page.getByRole('radiogroup', { name: '対象の水栓' });
    for (const faucet of [failing, second]) {
      const radio = picker.getByRole('radio', { name: `水栓番号 ${faucet.faucetNo}` });
      const label = picker.locator('label').filter({ hasText: `水栓番号 ${faucet.faucetNo}` });
      const radioBox = (await radio.boundingBox())!;
      const labelBox = (await label.locator('span').boundingBox())!;
      // No larger than the check boxes (1.75rem): it grows with the text, but is no giant circle.
      expect(radioBox.width, `the radio's width (${size} %)`).toBeLessThanOrEqual((28 * size) / 100);
      expect(labelBox.width, `the label's width (${size} %)`).toBeGreaterThanOrEqual(200);
      expect(labelBox.height, `the label's height (${size} %): a line or two, not one character a line`).toBeLessThanOrEqual(size === 100 ? 60 : 150);
    }
    await picker.getByRole('radio', { name: `水栓番号 ${second.faucetNo}` }).check();
    await picker.scrollIntoViewIfNeeded();
    await screenshot(page, `procedure-picker-360-text${size}`);
    await expectNoSidewaysScroll(page, `procedure form (${size} %)`);
    await expectNoAxeViolations(page);
  }
});

/** Each tab's word: its font size and where it is, in the tab bar as it is now. */
const tabWords = (page: Page) =>
  page.locator('.tab-bar .word').evaluateAll((words) =>
    words.map((word) => {
      const box = word.getBoundingClientRect();
      const tab = word.closest('a')!.getBoundingClientRect();
      return { text: word.textContent, size: parseFloat(getComputedStyle(word).fontSize), left: box.left, right: box.right, tabLeft: tab.left, tabRight: tab.right };
    })
  );

test('the tab bar\'s words grow with the text, 1.5 times at 200 %, and each still fits its tab on a 360 px phone', async ({ page }) => {
  test.setTimeout(120_000);
  const check = async (where: string) => {
    await textSize(page, 100);
    const normal = await tabWords(page);
    await textSize(page, 200);
    const large = await tabWords(page);
    for (const [index, word] of large.entries()) {
      expect(word.size / normal[index]!.size, `${word.text}: ${normal[index]!.size} px at 100 %, ${word.size} px at 200 % (${where})`).toBeGreaterThanOrEqual(1.5);
      expect([word.left >= word.tabLeft - 0.5, word.right <= word.tabRight + 0.5, word.right <= 360], `${word.text} inside its tab and the screen (${where})`).toEqual([true, true, true]);
    }
    await screenshot(page, `tab-bar-${where}-360-text200`);
  };
  await page.goto('/');
  await check('visitor');
  await signUp(page, { email: freshAddress('glance-tabs'), nickname: '花子', password: 'kawa-no-nagare-2026', faucet: signupFaucet() });
  await check('member');
  await chooseLanguage(page, 'English');
  await check('member-en');
  await expectNoSidewaysScroll(page, 'home, English, 200 %');
  await chooseLanguage(page, '日本語');
});

test('お知らせ: a row says the period and amount before it is opened; 「すべて既読にする」 reads them all', async ({ page }) => {
  test.setTimeout(120_000);
  const faucet = faucetFor('notices');
  const member = { email: freshAddress('glance-notices'), nickname: 'しずく', password: 'mizu-no-tayori-2026', faucet };
  await signUp(page, member);
  // The billing office corrects the latest bill: the import makes its notice.
  const latest = faucetHistory(faucet.faucetNo).bills.at(-1)!;
  const extra = 1100 * (1 + Math.floor(Math.random() * 50));
  const total = latest.total + extra;
  await importIntoPortal('bills', [{ ...latest, waterCharge: latest.waterCharge + extra, tax: Number(latest.tax) + extra / 11, total }]);

  for (const size of sizes) {
    await textSize(page, size);
    await page.goto('/notices');
    const row = page.locator('ul.notices summary').filter({ hasText: '料金のお知らせ' }).first();
    await expect(row).toContainText(`水栓番号 ${faucet.faucetNo}・${month(latest.period)}分\u3000${yen(total)}`);
    await row.locator('.gist').evaluate((gist) => gist.scrollIntoView({ block: 'center' }));
    await expectInViewport(page, row.locator('.gist'), `the notice's amount (${size} %)`);
    await screenshot(page, `notices-360-text${size}`);
    await expectNoSidewaysScroll(page, `notices (${size} %)`);
    for (const language of ['English', '日本語'] as const) {
      await chooseLanguage(page, language);
      await expectNoAxeViolations(page);
    }
  }
  await page.getByRole('button', { name: 'すべて既読にする' }).click();
  await expect(page.getByRole('status').filter({ hasText: '未読のお知らせはありません。' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'すべて既読にする' })).toHaveCount(0);
  await expect.poll(async () => (await customerState(member.email)).notices.every((notice) => notice.readAt !== null)).toBe(true);
});

test('logging in from a procedure form returns to the same form (its kind kept)', async ({ page }) => {
  test.setTimeout(90_000);
  const member = { email: freshAddress('glance-next'), nickname: '花子', password: 'kawa-no-nagare-2026', faucet: signupFaucet() };
  await signUp(page, member);
  await logOutFromMenu(page);
  await page.goto('/procedures/new?kind=holder-change');
  await expect(page).toHaveURL(`/login?next=${encodeURIComponent('/procedures/new?kind=holder-change')}`);
  await field(page, 'メールアドレス').fill(member.email);
  await field(page, 'パスワード').fill(member.password);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL('/procedures/new?kind=holder-change');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('使用者名義変更');
});

test('the first page offers installing, under the log-in and sign-up buttons, when the browser has its prompt ready', async ({ page }) => {
  await textSize(page, 200);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ようこそ');
  await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), { prompt: async () => {}, userChoice: Promise.resolve({ outcome: 'accepted' }) });
    window.dispatchEvent(event);
  });
  const install = page.getByRole('button', { name: 'ホーム画面に追加する' });
  await expect(install).toBeVisible();
  const signup = (await page.getByRole('link', { name: '会員登録（はじめての方）' }).boundingBox())!;
  expect((await install.boundingBox())!.y).toBeGreaterThan(signup.y);
  await page.getByRole('region', { name: 'アプリとしてホーム画面に追加' }).scrollIntoViewIfNeeded();
  await screenshot(page, 'first-page-install-360-text200');
  await expectNoSidewaysScroll(page, 'first page with the install offer');
  await expectNoAxeViolations(page);
});
