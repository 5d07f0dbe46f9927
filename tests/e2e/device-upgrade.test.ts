import { expect, type Page } from '@playwright/test';
import { publicProfile } from '../../server/features/utility/service.js';
import type { LocalReading, SyncMeta } from '../../src/lib/local/db.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { signupFaucetHistory } from './support/demo-history.js';
import { profile, signupFaucet } from './support/demo.js';
import { onDeviceDatabase } from './support/device-db.js';
import { m3, pair, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { logIn, withdraw } from './support/member.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

/**
 * A device that kept data from an older app, or from an older sync format, must open the app
 * and end up holding what the server holds now, as a device that never had anything would.
 */

const member: NewMember = { email: freshAddress('device-upgrade'), nickname: 'なつみ', password: 'mizu-no-michi-88', faucet: signupFaucet() };
const demo = signupFaucetHistory();
const failedSync = '最新の情報に更新できませんでした';

/** A reading the server has never had, on the member's faucet and inside its window: only a copy dropped whole loses it. */
const staleReading: LocalReading = {
  faucetNo: member.faucet.faucetNo,
  period: '2099-12',
  readingDate: '2099-12-14',
  meterTenths: 999_990,
  usageTenths: 9_999,
  nextReadingDate: null
};

// Each test's device is a fresh browser context; the account outlives them all, so the tests
// run in order in one worker, which signs up once.
test.describe.configure({ mode: 'default' });

test.beforeAll(async ({ browser }) => {
  const context = await browser.newContext();
  await signUp(await context.newPage(), member);
  await context.close();
});

test.afterAll(async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, member);
  await withdraw(page, member);
  await context.close();
});

/** The home page shows the server's latest bill and reading of the member's faucet, and the sync did not fail. */
async function expectServerNumbers(page: Page) {
  const card = page.getByRole('region', { name: `水栓番号 ${member.faucet.faucetNo}` });
  await expect(card.getByText(yen(demo.bills.at(-1)!.total), { exact: true })).toBeVisible({ timeout: 20_000 });
  await expect(card).toContainText(pair('使用水量', m3(demo.readings.at(-1)!.usageTenths / 10)));
  await expect(page.getByRole('banner')).not.toContainText(failedSync);
}

// The meta store also holds Home's snapshot (src/lib/local/home-snapshot.ts).
const syncMeta = async (page: Page) =>
  ((await onDeviceDatabase(page, { read: ['meta'] })).rows.meta as SyncMeta[]).find((row) => row.key === 'sync');

const readingPeriods = async (page: Page) =>
  ((await onDeviceDatabase(page, { read: ['readings'] })).rows.readings as LocalReading[]).map((reading) => reading.period).sort();

/** Logs in on a fresh device; returns the reading periods its first sync brought. */
async function logInAndSync(page: Page): Promise<string[]> {
  await logIn(page, member);
  await expectServerNumbers(page);
  await expect.poll(() => syncMeta(page)).toMatchObject({ format: SYNC_FORMAT });
  const periods = await readingPeriods(page);
  expect(periods).toContain(demo.readings.at(-1)!.period);
  return periods;
}

/**
 * Leaves the app for a page of its origin that does not run it (the service worker lets
 * /healthz through): no sync writes to the device while a test changes what it holds.
 */
const closeApp = (page: Page) => page.goto('/healthz');

test('a device left with the first schema (profile only) upgrades, keeps the profile and then syncs the billing data', async ({ page }) => {
  const uncaught: Error[] = [];
  page.on('pageerror', (error) => uncaught.push(error));
  const current = publicProfile(profile, tokyoDate(new Date()));
  const oldName = { ja: '旧版の水道課', en: 'Waterworks (older app)' };

  // The first app's database: Dexie version 1 is IndexedDB version 10, with only the profile.
  await closeApp(page);
  await onDeviceDatabase(page, {
    create: { version: 10, stores: { profile: 'key' } },
    put: { profile: [{ key: 'current', profile: { ...current, name: oldName }, fetchedAt: Date.now() - 30 * 86_400_000 }] }
  });

  // The profile is fetched only once the page has shown the stored one, read through the upgraded schema.
  let releaseProfile!: () => void;
  const profileMayLoad = new Promise<void>((resolve) => (releaseProfile = resolve));
  await page.route('**/api/trpc/*utility.profile*', async (route) => {
    await profileMayLoad;
    await route.continue();
  });
  await page.goto('/login');
  await expect(page.getByRole('banner')).toContainText(oldName.ja);
  releaseProfile();
  await expect(page.getByRole('banner')).toContainText(current.name.ja);
  await page.unroute('**/api/trpc/*utility.profile*');

  await logInAndSync(page);
  // The profile now lives in localStorage, where pages read it without the database.
  const device = await onDeviceDatabase(page, { read: [] });
  expect(device.version).toBeGreaterThan(10);
  expect(await page.evaluate(() => JSON.parse(localStorage.getItem('utility-profile') ?? 'null') as unknown)).toEqual({ profile: current, fetchedAt: expect.any(Number) });
  expect(uncaught).toEqual([]);
});

test('a device holding a copy in an older sync format drops it and pulls everything again', async ({ page }) => {
  const fresh = await logInAndSync(page);

  // The format before this one, a cursor the server never gave, and a row the server does not have.
  await closeApp(page);
  const meta = (await syncMeta(page))!;
  await onDeviceDatabase(page, {
    put: { meta: [{ ...meta, format: SYNC_FORMAT - 1, cursor: meta.cursor + 1_000_000 }], readings: [staleReading] }
  });

  await page.goto('/');
  await expectServerNumbers(page);
  await expect.poll(() => readingPeriods(page)).toEqual(fresh);
  expect(await syncMeta(page)).toMatchObject({ format: SYNC_FORMAT });
});

test('a device told by the server to start over (reset) drops its copy and pulls everything again', async ({ page }) => {
  const fresh = await logInAndSync(page);
  await closeApp(page);
  await onDeviceDatabase(page, { put: { readings: [staleReading] } });

  // A page whose code speaks another format than the server's: the only way the real server answers `reset`.
  const answers: unknown[] = [];
  await page.route(
    '**/api/trpc/*sync.pull*',
    async (route) => {
      const url = new URL(route.request().url());
      const procedures = decodeURIComponent(url.pathname.split('/').at(-1)!).split(',');
      const inputs = JSON.parse(url.searchParams.get('input')!) as Record<string, { format: number }>;
      inputs[procedures.indexOf('sync.pull')]!.format = SYNC_FORMAT + 1;
      url.searchParams.set('input', JSON.stringify(inputs));
      const response = await route.fetch({ url: url.toString() });
      answers.push(...((await response.json()) as unknown[]));
      await route.fulfill({ response });
    },
    { times: 1 }
  );

  await page.goto('/');
  await expectServerNumbers(page);
  expect(answers).toContainEqual({ result: { data: { format: SYNC_FORMAT, cursor: 0, reset: true } } });
  await expect.poll(() => readingPeriods(page)).toEqual(fresh);
  expect(await syncMeta(page)).toMatchObject({ format: SYNC_FORMAT });
});
