import { expect, request as playwrightRequest, type Page } from '@playwright/test';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { otherFaucet } from './support/demo.js';
import { personalRows } from './support/device-db.js';
import { freshAddress } from './support/mail.js';
import { logIn, withdraw } from './support/member.js';
import { signUp, type NewMember } from './support/signup.js';
import { logOutFromMenu } from './support/menu.js';
import { test } from './support/test.js';

/** The API procedures the page calls from now on, in order (a batch counts each of its calls). */
function apiCalls(page: Page): string[] {
  const calls: string[] = [];
  page.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/trpc/')) calls.push(...pathname.slice('/api/trpc/'.length).split(','));
  });
  return calls;
}

/** What the server says to a request carrying only this session cookie. */
async function withCookie(baseURL: string, cookie: string): Promise<{ status: number; code: string | undefined }> {
  const api = await playwrightRequest.newContext({ baseURL, extraHTTPHeaders: { Cookie: `session=${cookie}` } });
  try {
    const input = encodeURIComponent(JSON.stringify({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }));
    const response = await api.get(`/api/trpc/sync.pull?input=${input}`);
    const body = (await response.json()) as { error?: { data?: { code?: string } } };
    return { status: response.status(), code: body.error?.data?.code };
  } finally {
    await api.dispose();
  }
}

test('a log-out with no network holds: nothing syncs until the server has it, then the old session is gone', async ({ page, context, baseURL }) => {
  test.setTimeout(120_000);
  // The app's own timers, driven forward below: the 15-minute sync is one of them.
  await page.clock.install();
  const member: NewMember = { email: freshAddress('offline-logout'), nickname: 'あきら', password: 'yuki-doke-mizu-42', faucet: otherFaucet() };
  await signUp(page, member);
  await expect.poll(() => personalRows(page), { message: 'the first sync brought the faucet onto the device' }).toBeGreaterThan(0);
  const cookie = (await context.cookies()).find((candidate) => candidate.name === 'session')!.value;
  expect(await withCookie(baseURL!, cookie)).toEqual({ status: 200, code: undefined });

  // Log-out with no network: the device is wiped at once, and the page says the rest comes later.
  await context.setOffline(true);
  await logOutFromMenu(page);
  await expect(page).toHaveURL('/login');
  await expect(page.getByRole('status')).toContainText('次に通信できたときに自動でログアウトの手続きを完了します');
  expect(await personalRows(page)).toBe(0);

  // The network is back but the log-out cannot get through: the server would still say who is
  // signed in, yet the app shows nobody, sends the customer to log-in, and pulls nothing.
  const calls = apiCalls(page);
  await page.route('**/api/trpc/auth.logout*', (route) => route.abort('internetdisconnected'));
  await context.setOffline(false);
  await page.goto('/settings');
  await expect(page).toHaveURL('/login?next=%2Fsettings');
  await expect(page.getByRole('button', { name: 'ログアウト' })).toHaveCount(0);
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await page.waitForLoadState('networkidle');
  expect(calls).toContain('auth.logout');
  expect(calls).not.toContain('sync.pull');
  expect(calls).not.toContain('auth.me');
  expect(await personalRows(page)).toBe(0);

  // Once it gets through, the log-out is the first thing sent, and the old cookie opens nothing.
  calls.length = 0;
  await page.unroute('**/api/trpc/auth.logout*');
  await page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect.poll(() => calls[0]).toBe('auth.logout');
  await expect.poll(() => withCookie(baseURL!, cookie)).toEqual({ status: 401, code: 'UNAUTHORIZED' });

  // A minute later and past the 15-minute sync, with every wake-up the app listens to, the
  // device still holds nothing of the customer's.
  await page.evaluate(() => {
    window.dispatchEvent(new Event('online'));
    window.dispatchEvent(new Event('focus'));
  });
  await page.clock.runFor('16:00');
  await page.waitForLoadState('networkidle');
  // The device syncs (the public profile) but, holding no copy and nobody signed in, pulls nothing.
  expect(calls.filter((call) => call === 'utility.profile').length).toBeGreaterThan(0);
  expect(calls).not.toContain('sync.pull');
  expect(await personalRows(page)).toBe(0);
  await expect(page.getByRole('button', { name: 'ログアウト' })).toHaveCount(0);

  // Frees the faucet for the other tests.
  await logIn(page, member);
  await withdraw(page, member);
});
