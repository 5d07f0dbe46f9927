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
