import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { signupFaucetHistory } from './support/demo-history.js';
import { signupFaucet } from './support/demo.js';
import { yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { chooseLanguage } from './support/menu.js';
import { expectInViewport, expectNoSidewaysScroll, phoneScreen, textSize } from './support/phone.js';
import { signUp } from './support/signup.js';
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
