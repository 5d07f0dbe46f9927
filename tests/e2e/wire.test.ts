import { expect, test, type Response } from '@playwright/test';

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
