import { expect, type Page } from '@playwright/test';
import { expectNoAxeViolations } from './support/axe.js';
import { personalRows } from './support/device-db.js';
import { faucetFor, otherFaucet, profile } from './support/demo.js';
import { freshAddress } from './support/mail.js';
import { logIn, withdraw } from './support/member.js';
import { field, signUp, type NewMember } from './support/signup.js';
import { chooseLanguage } from './support/menu.js';
import { test } from './support/test.js';

const iphoneSafari =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

/** Every cache and the URLs it holds. */
function cachedUrls(page: Page): Promise<Record<string, string[]>> {
  return page.evaluate(async () => {
    const result: Record<string, string[]> = {};
    for (const name of await caches.keys()) {
      result[name] = (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname);
    }
    return result;
  });
}

const iosGuide = (page: Page) => page.getByRole('img', { name: /^共有ボタン/ });

test('help opens from the signed-out home, and offline in a new page with the contact, the sender address and no axe violations', async ({ page, context }) => {
  await page.goto('/');
  await page.getByRole('link', { name: 'よくあるご質問・ヘルプ' }).click();
  await expect(page).toHaveURL('/help');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('よくあるご質問');
  await expect(page.getByRole('link', { name: profile.phone })).toBeVisible();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });

  await context.setOffline(true);
  const offline = await context.newPage();
  await page.close();
  await offline.goto('/help#password');
  await expect(offline.getByRole('heading', { level: 1 })).toHaveText('よくあるご質問');
  await expect(offline.getByRole('link', { name: profile.phone })).toBeVisible();
  await expect(offline.getByText(profile.hours.ja)).toBeVisible();
  await expect(offline.locator('#code')).toContainText(profile.mailFrom);
  // The answers name the utility's own section and number, not a placeholder.
  await expect(offline.locator('#phone')).toContainText(`${profile.section.ja}（${profile.phone}）`);
  await expect(offline.locator('#phone')).not.toContainText('{');
  await expect(offline.getByRole('heading', { level: 2, name: 'パスワードを忘れました' })).toBeInViewport();
  for (const question of ['確認コードのメールが届きません', '水栓番号（お客様番号）はどこに書いてありますか', '退会したい']) {
    await expect(offline.getByRole('heading', { level: 2, name: question })).toBeVisible();
  }
  await expectNoAxeViolations(offline);
  // On a small phone nothing on the page (long addresses, the questions) makes it scroll sideways.
  await offline.setViewportSize({ width: 360, height: 640 });
  expect(await offline.evaluate(() => document.scrollingElement!.scrollWidth <= innerWidth)).toBe(true);

  await chooseLanguage(offline, 'English');
  await expect(offline.getByRole('heading', { level: 1 })).toHaveText('Frequently asked questions');
  await expect(offline.locator('#phone')).toContainText(`${profile.section.en} (${profile.phone})`);
  await expectNoAxeViolations(offline);
  await chooseLanguage(offline, '日本語');
  await context.setOffline(false);
});

test('a refused log-in links to the forgotten-password answer', async ({ page }) => {
  await page.goto('/login');
  await field(page, 'メールアドレス').fill(freshAddress('help-login'));
  await field(page, 'パスワード').fill('not-the-password-1');
  await page.getByRole('button', { name: 'ログイン' }).click();
  await page.getByRole('link', { name: 'パスワードを忘れたときは（よくあるご質問）' }).click();
  await expect(page).toHaveURL('/help#password');
  await expect(page.getByRole('heading', { level: 2, name: 'パスワードを忘れました' })).toBeInViewport();
});

test('「この端末のデータを消去」 asks first, then leaves no personal data in IndexedDB or the caches and signs out', async ({ page }) => {
  test.setTimeout(120_000);
  const member: NewMember = { email: freshAddress('help-clear'), nickname: 'みのり', password: 'kawa-no-nagare-77', faucet: otherFaucet() };
  await signUp(page, member);
  await expect.poll(() => personalRows(page), { message: 'the first sync brought the faucet onto the device' }).toBeGreaterThan(0);
  // A faucet proof refused on /faucets links to the answer about unknown or old phone numbers.
  await page.goto('/faucets');
  await field(page, '水栓番号').fill(faucetFor('refusedProof').faucetNo);
  await field(page, '電話番号').fill('0000000000');
  await page.getByLabel(/^契約者本人/).check();
  await page.getByRole('button', { name: '追加する' }).click();
  await page.getByRole('link', { name: '水栓番号・電話番号が分からないときは（よくあるご質問）' }).click();
  await expect(page).toHaveURL('/help#phone');
  await expect(page.getByRole('heading', { level: 2, name: '届け出た電話番号が分からない・変わった' })).toBeInViewport();

  // A cache of the kind a browser or a later feature could fill with personal answers.
  await page.evaluate(async () => {
    await (await caches.open('runtime-test')).put('/api/trpc/sync.pull', new Response('{"personal":true}'));
  });

  await page.goto('/help');
  await page.getByRole('button', { name: 'この端末のデータを消去' }).click();
  await expect(page.locator('p').filter({ hasText: 'この端末のデータを消去して、ログアウトしますか？' })).toBeFocused();
  await page.getByRole('button', { name: 'やめる' }).click();
  expect(await personalRows(page)).toBeGreaterThan(0);

  await page.getByRole('button', { name: 'この端末のデータを消去' }).click();
  await page.getByRole('button', { name: '消去する' }).click();
  await expect(page).toHaveURL('/login');
  await expect(page.getByRole('status')).toContainText('この端末のデータを消去し、ログアウトしました');
  await page.waitForLoadState('networkidle');
  expect(await personalRows(page)).toBe(0);
  const cached = await cachedUrls(page);
  expect(Object.keys(cached).every((name) => name.startsWith('workbox-precache'))).toBe(true);
  expect(Object.values(cached).flat().filter((url) => url.startsWith('/api/'))).toEqual([]);

  // Signed out on the server too: a reload shows the signed-out home.
  await page.goto('/');
  await expect(page.getByRole('link', { name: 'ログイン' }).first()).toBeVisible();
  await expect(page.getByText(`${member.nickname}さん、こんにちは`)).toHaveCount(0);

  await logIn(page, member);
  await withdraw(page, member);
});

test('Chromium gets no iOS guide; its install prompt becomes a button that is used once', async ({ page }) => {
  await page.goto('/help');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('よくあるご質問');
  await expect(iosGuide(page)).toHaveCount(0);
  await page.evaluate(() => {
    const event = Object.assign(new Event('beforeinstallprompt', { cancelable: true }), {
      prompt: async () => {
        (window as { prompted?: boolean }).prompted = true;
      },
      userChoice: Promise.resolve({ outcome: 'accepted' })
    });
    window.dispatchEvent(event);
  });
  const install = page.getByRole('button', { name: 'ホーム画面に追加する' });
  await expect(page.getByText('電波の届かない場所でも')).toBeVisible();
  await install.click();
  expect(await page.evaluate(() => (window as { prompted?: boolean }).prompted)).toBe(true);
  await expect(install).toHaveCount(0);
  await expect(iosGuide(page)).toHaveCount(0);
});

test.describe('on iOS Safari', () => {
  test.use({ userAgent: iphoneSafari });

  test('help and the signed-out home show the steps to ホーム画面に追加, with no axe violations', async ({ page }) => {
    await page.goto('/help');
    await expect(iosGuide(page)).toBeVisible();
    const guide = page.getByRole('region', { name: 'アプリとしてホーム画面に追加' });
    await expect(guide).toContainText('「ホーム画面に追加」をタップします');
    await expect(guide).toContainText('電波の届かない場所でも');
    await expectNoAxeViolations(page);
    await chooseLanguage(page, 'English');
    await expect(page.getByRole('img', { name: /^share button/ })).toBeVisible();
    await expectNoAxeViolations(page);
    await chooseLanguage(page, '日本語');

    // The first page offers it too, below the log-in and sign-up buttons.
    await page.goto('/');
    await expect(page.getByRole('link', { name: profile.phone })).toBeVisible();
    await expect(iosGuide(page)).toBeVisible();
    const signup = (await page.getByRole('link', { name: '会員登録（はじめての方）' }).boundingBox())!;
    expect((await iosGuide(page).boundingBox())!.y).toBeGreaterThan(signup.y);
    await expectNoAxeViolations(page);
  });

  test('inside the installed app there is no guide', async ({ page }) => {
    await page.addInitScript(() => Object.defineProperty(Navigator.prototype, 'standalone', { get: () => true }));
    await page.goto('/help');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('よくあるご質問');
    await expect(page.getByRole('link', { name: profile.phone })).toBeVisible();
    await expect(iosGuide(page)).toHaveCount(0);
    await expect(page.getByRole('heading', { name: 'アプリとしてホーム画面に追加' })).toHaveCount(0);
  });
});

test('an unknown path shows a localized not-found page with a way home, and no axe violations', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  // The server answers with the app (the SPA fallback); the app says what is wrong.
  expect(response!.headers()['content-type']).toContain('text/html');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ページが見つかりません');
  await expect(page.getByText('404')).toHaveCount(0);
  await expectNoAxeViolations(page);
  await chooseLanguage(page, 'English');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectNoAxeViolations(page);
  await chooseLanguage(page, '日本語');
  await page.getByRole('link', { name: 'ホームへ戻る' }).click();
  await expect(page).toHaveURL('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ようこそ');
});
