import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Response } from '@playwright/test';
import { otherFaucet } from './support/demo.js';
import { freshAddress } from './support/mail.js';
import { withdraw } from './support/member.js';
import { signUp } from './support/signup.js';
import { test } from './support/test.js';

// The build's own files as Chromium receives them: server/http.ts picks the .br sibling that
// svelte.config.js (precompress) had the build write. The header details are in tests/integration/health.test.ts.
test('the log-in page arrives brotli-compressed: the shell, every script and style, hashed ones cached for a year', async ({ page }) => {
  const responses: Response[] = [];
  page.on('response', (response) => responses.push(response));
  await page.goto('/login', { waitUntil: 'networkidle' });
  const own = responses.filter((response) => /\.(js|css)$/.test(new URL(response.url()).pathname) || response.request().resourceType() === 'document');
  expect(own.filter((response) => response.url().endsWith('.js')).length).toBeGreaterThan(3);
  for (const response of own) {
    const headers = await response.allHeaders();
    const path = new URL(response.url()).pathname;
    expect(headers['content-encoding'], path).toBe('br');
    expect(headers.vary, path).toBe('Accept-Encoding');
    expect(headers['cache-control'], path).toBe(path.startsWith('/_app/immutable/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  }
});

/** A key of each part of the texts (src/lib/i18n/ja): the built scripts keep the keys as they are. */
const textsOf = {
  login: '"login.title"',
  signup: '"signup.title"',
  moveIn: '"moveIn.title"',
  reset: '"reset.title"',
  home: '"home.heading"',
  help: '"help.intro"',
  fees: '"fees.intro"',
  history: '"history.title"',
  procedures: '"procedures.title"',
  notices: '"notices.title"',
  settings: '"settings.title"'
};

test('a first visit to a public page fetches the same few scripts, its own and its own texts only; the log-in page 8 in all', async ({ browser }) => {
  const pages = { '/login': 'login', '/signup': 'signup', '/move-in': 'moveIn', '/reset': 'reset', '/': 'home', '/help': 'help', '/simulator': 'fees' } as const;
  const fetched = new Map<string, string[]>();
  for (const [url, own] of Object.entries(pages)) {
    // A first visit: nothing cached, no worker fetching the rest of the app beside the page.
    const context = await browser.newContext({ serviceWorkers: 'block' });
    const page = await context.newPage();
    const scripts: Response[] = [];
    let pending = 0;
    page.on('request', () => (pending += 1));
    page.on('requestfinished', () => (pending -= 1));
    page.on('requestfailed', () => (pending -= 1));
    page.on('response', (response) => {
      if (new URL(response.url()).pathname.endsWith('.js')) scripts.push(response);
    });
    await page.goto(url, { waitUntil: 'networkidle' });
    // On a busy machine the network can rest before the app has started and asked for the root
    // error page it always imports: once the main thread is idle (started), every request it made has ended.
    await page.evaluate(() => new Promise((resolve) => requestIdleCallback(resolve)));
    await expect.poll(() => pending).toBe(0);
    fetched.set(url, scripts.map((response) => new URL(response.url()).pathname));
    const code = (await Promise.all(scripts.map((response) => response.text()))).join('\n');
    for (const [part, key] of Object.entries(textsOf)) expect(code.includes(key), `${url}: ${part}'s texts`).toBe(part === own);
    await context.close();
  }
  // What every page needs is in the same files for all (chunks.config.ts); beside them, a page's node and at most one chunk of what it shares with member pages.
  const common = [...fetched.values()].reduce((all, scripts) => all.filter((script) => scripts.includes(script)));
  expect(common.length).toBeLessThanOrEqual(7);
  for (const [url, scripts] of fetched) expect(scripts.length - common.length, url).toBeLessThanOrEqual(2);
  expect(fetched.get('/login')!.length).toBeLessThanOrEqual(8);
});

/** The built chunk that holds Dexie: hashed names say nothing, its code does (an error class's name survives minifying). */
function dexieChunk(): string {
  const dir = path.join('build', '_app', 'immutable', 'chunks');
  const found = readdirSync(dir).filter((name) => name.endsWith('.js') && readFileSync(path.join(dir, name), 'utf8').includes('DatabaseClosedError'));
  expect(found, 'exactly one built chunk holds Dexie').toHaveLength(1);
  return found[0]!;
}

test('a first visit to the log-in page, home, help or the simulator downloads no Dexie and creates no database; signing in loads it', async ({ page }) => {
  const chunk = dexieChunk();
  const scripts: string[] = [];
  page.on('request', (request) => scripts.push(new URL(request.url()).pathname));
  for (const visitorPage of ['/login', '/', '/help', '/simulator', '/menu']) {
    await page.goto(visitorPage, { waitUntil: 'networkidle' });
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(scripts.filter((script) => script.endsWith(`/${chunk}`))).toEqual([]);
  expect(await page.evaluate(async () => (await indexedDB.databases()).map((database) => database.name))).toEqual([]);

  const member = { email: freshAddress('wire'), nickname: 'のぞみ', password: 'kawa-no-nagare-2026', faucet: otherFaucet() };
  await signUp(page, member);
  await expect.poll(() => scripts.some((script) => script.endsWith(`/${chunk}`))).toBe(true);
  await withdraw(page, member);
});
