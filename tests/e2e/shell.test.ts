import AxeBuilder from '@axe-core/playwright';
import { expect, type Locator } from '@playwright/test';
import { otherFaucet } from './support/demo.js';
import { freshAddress } from './support/mail.js';
import { withdraw } from './support/member.js';
import { signUp, type NewMember } from './support/signup.js';
import { chooseLanguage } from './support/menu.js';
import { test } from './support/test.js';

test('the home page shows the utility name in Japanese, and in English once English is chosen', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('banner')).toContainText('名寄市上下水道室');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ようこそ');
  // Data from the API: the configured contact.
  await expect(page.getByRole('link', { name: '01654-3-2111' })).toBeVisible();

  await chooseLanguage(page, 'English');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.getByRole('banner')).toContainText('Nayoro City Water and Sewerage Office');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome');

  await page.reload();
  await expect(page.getByRole('banner')).toContainText('Nayoro City Water and Sewerage Office');
  await chooseLanguage(page, '日本語');
  await expect(page.getByRole('banner')).toContainText('名寄市上下水道室');
});

test('the home page has no accessibility violations in either language', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('link', { name: '01654-3-2111' })).toBeVisible();
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
  await chooseLanguage(page, 'English');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Welcome');
  expect((await new AxeBuilder({ page }).analyze()).violations).toEqual([]);
});

function pngSize(bytes: Buffer): string {
  // The IHDR chunk holds width and height right after the 8-byte signature and chunk header.
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test('the web app manifest is valid and its icons are real PNGs of the stated sizes', async ({ page, request }) => {
  await page.goto('/');
  const href = await page.locator('link[rel="manifest"]').getAttribute('href');
  const response = await request.get(href!);
  expect(response.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await response.json();
  expect(manifest).toMatchObject({ display: 'standalone', lang: 'ja', start_url: '/' });
  expect(manifest.name).toContain('名寄市上下水道室');
  expect(manifest.short_name).toBeTruthy();
  const purposes: string[] = [];
  for (const icon of manifest.icons as { src: string; sizes: string; purpose: string; type: string }[]) {
    const image = await request.get(icon.src);
    expect(image.status(), icon.src).toBe(200);
    expect(image.headers()['content-type']).toBe('image/png');
    expect(pngSize(await image.body())).toBe(icon.sizes);
    purposes.push(`${icon.sizes} ${icon.purpose}`);
  }
  expect(purposes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
});

test('the service worker precaches the shell: with no network the app still opens', async ({ page, context }) => {
  await page.goto('/');
  await expect(page.getByRole('banner')).toContainText('名寄市上下水道室');
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  const offline = await context.newPage();
  await offline.goto('/');
  await expect(offline.getByRole('banner')).toContainText('名寄市上下水道室');
  await expect(offline.getByRole('link', { name: '01654-3-2111' })).toBeVisible();
  await context.setOffline(false);
});

test('the Content-Security-Policy lets every page work: no violation anywhere, and the service worker runs', async ({ page }) => {
  test.setTimeout(90_000);
  const violations: string[] = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      // Kept on the document's window so the test can read it after each page.
      ((window as unknown as { cspViolations?: string[] }).cspViolations ??= []).push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}:${event.columnNumber} ${event.sample}`);
    });
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  const visit = async (path: string, ready: Locator) => {
    const answer = await page.goto(path);
    // Each page's header is its own <meta> policy (a prerendered page's hashes are its own), from the server or the worker's cache alike.
    const policy = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
    expect(answer!.headers()['content-security-policy'], path).toBe(`${policy}; frame-ancestors 'none'`);
    await expect(ready).toBeVisible();
    await page.waitForLoadState('networkidle');
    violations.push(...(await page.evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations ?? [])));
  };

  const response = await page.goto('/');
  // The header is the build's own <meta> policy, plus what only a header can say.
  const meta = await page.locator('meta[http-equiv="content-security-policy"]').getAttribute('content');
  expect(meta).toContain("script-src 'self' 'sha256-");
  expect(meta).not.toContain('unsafe-inline');
  expect(response!.headers()['content-security-policy']).toBe(`${meta}; frame-ancestors 'none'`);
  expect(await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.scriptURL)).toMatch(/\/service-worker\.js$/);

  await visit('/', page.getByRole('link', { name: '01654-3-2111' }));
  await visit('/login', page.getByRole('heading', { level: 1, name: 'ログイン' }));
  await visit('/reset', page.getByRole('heading', { level: 1 }));
  await visit('/move-in', page.getByRole('heading', { level: 1, name: '水道の使用開始のお申し込み' }));
  await visit('/simulator', page.getByRole('heading', { level: 1, name: '料金シミュレーション' }));
  await visit('/help', page.getByRole('heading', { level: 1 }));
  const member: NewMember = { email: freshAddress('csp'), nickname: 'ちひろ', password: 'mizu-no-oto-2026', faucet: otherFaucet() };
  await signUp(page, member);
  await visit('/', page.getByText('ちひろさん、こんにちは'));
  // History draws its charts with Chart.js.
  await visit('/history', page.locator('canvas').first());
  await visit('/faucets', page.getByRole('heading', { level: 1, name: '契約内容のご確認' }));
  await visit('/settings', page.getByRole('heading', { level: 1 }));
  await chooseLanguage(page, 'English');
  await visit('/withdraw', page.getByRole('heading', { level: 1 }));
  await chooseLanguage(page, '日本語');
  await withdraw(page, member);
  expect(violations).toEqual([]);
});

test('a visitor gets each public page as prerendered, also from the worker; a device holding a copy gets the shell, drawn from the copy', async ({ page }) => {
  test.setTimeout(60_000);
  // The first visit: the page is in the HTML, in Japanese, before any script.
  const first = await page.goto('/login');
  expect(await first!.text()).toContain('<h1>ログイン</h1>');
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  const fromWorker = await page.goto('/');
  expect(fromWorker!.fromServiceWorker()).toBe(true);
  expect(await fromWorker!.text()).toContain('ようこそ');

  const member: NewMember = { email: freshAddress('shell'), nickname: 'しずく', password: 'mizu-no-oto-2026', faucet: otherFaucet() };
  await signUp(page, member);
  await expect(page.getByText('しずくさん、こんにちは')).toBeVisible();
  for (const path of ['/', '/login', '/help', '/simulator']) {
    const answer = await page.goto(path);
    expect(answer!.fromServiceWorker(), path).toBe(true);
    // The shell: no page of its own in it, so no visitor's welcome or tabs before the app has read the copy.
    const html = await answer!.text();
    expect(html, path).not.toContain('<h1>');
    expect(html, path).not.toContain('tab-bar');
  }
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ホーム');
  await withdraw(page, member);
});
