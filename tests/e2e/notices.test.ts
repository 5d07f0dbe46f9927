import { createECDH, randomBytes } from 'node:crypto';
import { expect, type BrowserContext, type Page } from '@playwright/test';
import { noticeText } from '../../src/lib/shared/notices.js';
import { expectNoAxeViolations } from './support/axe.js';
import { importIntoPortal } from './support/billing-office.js';
import { faucetHistory } from './support/demo-history.js';
import { faucetFor, profile } from './support/demo.js';
import { month, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { logIn, withdraw } from './support/member.js';
import { customerState } from './support/portal-state.js';
import { signUp, type NewMember } from './support/signup.js';
import { logOutFromMenu } from './support/menu.js';
import { test } from './support/test.js';

/**
 * Debian's Chromium has no push service to subscribe with: `pushManager.subscribe` is refused
 * in Playwright's (incognito) contexts and never settles in a persistent one, as it waits for
 * Google's servers. So the page's PushManager hands out this device's subscription instead: an
 * endpoint under .invalid (nothing can be sent there) with real P-256 keys and auth secret, as
 * a browser makes them. Everything around it is the app's own: the permission, the key it asks
 * the server for, the subscribe call and what the server stores. The push itself reaches the
 * service worker through the DevTools protocol (ServiceWorker.deliverPushMessage), as the
 * browser hands it over from its push service.
 */
function pushDevice() {
  const keys = createECDH('prime256v1');
  keys.generateKeys();
  return {
    endpoint: `https://push.example.invalid/e2e/${randomBytes(8).toString('hex')}`,
    expirationTime: null,
    keys: { p256dh: keys.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url') }
  };
}

type DeviceSubscription = ReturnType<typeof pushDevice>;

function standInPushService(subscription: DeviceSubscription) {
  // Kept across reloads like a browser's, until unsubscribed.
  const key = 'e2e.pushSubscription';
  const made = () => ({
    ...subscription,
    options: { userVisibleOnly: true, applicationServerKey: null },
    toJSON: () => subscription,
    getKey: () => null,
    unsubscribe: async () => {
      localStorage.removeItem(key);
      return true;
    }
  });
  PushManager.prototype.getSubscription = async () => (localStorage.getItem(key) ? (made() as unknown as PushSubscription) : null);
  PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
    localStorage.setItem(key, String(options?.applicationServerKey));
    return made() as unknown as PushSubscription;
  };
}

/** The service worker's registration id, for the DevTools protocol. */
async function workerRegistration(context: BrowserContext, page: Page) {
  const session = await context.newCDPSession(page);
  const registered = new Promise<string>((resolve) => {
    session.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const live = registrations.find((registration) => !registration.isDeleted);
      if (live) resolve(live.registrationId);
    });
  });
  await session.send('ServiceWorker.enable');
  const registrationId = await registered;
  return (data: string) => session.send('ServiceWorker.deliverPushMessage', { origin: new URL(page.url()).origin, registrationId, data });
}

const shownNotifications = (page: Page) =>
  page.evaluate(async () =>
    (await (await navigator.serviceWorker.ready).getNotifications()).map((notification) => ({ title: notification.title, body: notification.body, tag: notification.tag }))
  );

/** A tap on the shown notification, as the browser dispatches it to the service worker. */
async function tapNotification(context: BrowserContext) {
  const [worker] = context.serviceWorkers();
  await worker!.evaluate(async () => {
    const scope = globalThis as unknown as {
      registration: ServiceWorkerRegistration;
      NotificationEvent: new (type: string, init: { notification: Notification }) => Event;
      dispatchEvent(event: Event): boolean;
    };
    const [notification] = await scope.registration.getNotifications();
    scope.dispatchEvent(new scope.NotificationEvent('notificationclick', { notification: notification! }));
  });
}

/** Counts the read marks the page sends from now on, and those the server answered. */
function countReadMarks(page: Page) {
  const counts = { sent: 0, answered: 0 };
  page.on('request', (request) => {
    if (request.url().includes('noticeReads.mark')) counts.sent += 1;
  });
  page.on('response', (response) => {
    if (response.url().includes('noticeReads.mark') && response.ok()) counts.answered += 1;
  });
  return counts;
}

test('push on from settings; an import makes an unread notice, its push shows it and a tap opens the bill; the list reads and marks read offline', async ({ context, page, baseURL }) => {
  test.setTimeout(120_000);
  const faucet = faucetFor('notices');
  const member: NewMember = { email: freshAddress('notices'), nickname: 'しずく', password: 'mizu-no-tayori-2026', faucet };
  const device = pushDevice();
  await context.grantPermissions(['notifications']);
  await context.addInitScript(standInPushService, device);
  await signUp(page, member);
  // From the next load on, the service worker controls the page: it is the page a tap navigates.
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.reload();
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);

  await page.goto('/settings');
  const pushSwitch = page.getByRole('switch', { name: 'この端末でプッシュ通知を受け取る' });
  await expect(page.getByText('この端末にはプッシュ通知は届きません。')).toBeVisible();
  await expect(pushSwitch).not.toBeChecked();
  await pushSwitch.check();
  await expect(page.getByText('この端末にプッシュ通知が届きます。')).toBeVisible();
  await expect.poll(async () => (await customerState(member.email)).pushEndpoints).toEqual([device.endpoint]);
  // The app subscribed with the portal's VAPID public key: an uncompressed P-256 point.
  expect(Buffer.from((await page.evaluate(() => localStorage.getItem('e2e.pushSubscription')))!, 'base64url')).toHaveLength(65);

  const readings = page.getByLabel('検針のお知らせ');
  await expect(readings).toHaveValue('both');
  await readings.selectOption('email');
  await expect(page.getByRole('status').filter({ hasText: '「検針のお知らせ」の届け方を「メールだけ」にしました。' })).toBeVisible();
  await page.reload();
  await expect(page.getByLabel('検針のお知らせ')).toHaveValue('email');
  await expect(page.getByLabel('料金のお知らせ')).toHaveValue('both');
  await expectNoAxeViolations(page);

  // The billing office corrects the latest bill: the import makes its notice (訂正).
  const latest = faucetHistory(faucet.faucetNo).bills.at(-1)!;
  const period = latest.period;
  // A new amount each run, so the test can run again against the same server.
  const extra = 1100 * (1 + Math.floor(Math.random() * 50));
  const bill = { ...latest, waterCharge: latest.waterCharge + extra, tax: Number(latest.tax) + extra / 11, total: latest.total + extra };
  await importIntoPortal('bills', [bill]);
  const [notice] = (await customerState(member.email)).notices.filter((row) => row.facts.topic === 'bill' && 'period' in row.facts && row.facts.period === period);
  expect(notice).toBeDefined();
  const text = noticeText(notice!.facts, 'ja', { section: profile.section, phone: profile.phone });

  // Home says it under the faucet it is about.
  await page.goto('/');
  await expect(page.locator('.unread-notices')).toContainText(`未読 ${text.title}`);

  await page.goto('/notices');
  const item = page.locator(`#notice-${notice!.id}`);
  await expect(item).toContainText('未読');
  await expect(item).toContainText(text.title);
  await expect(page.getByRole('link', { name: /^お知らせ\s*1件未読$/ })).toBeVisible();
  await expectNoAxeViolations(page);

  // The push as the server sends it; twice, as a retry would: one notification, replaced.
  const deliver = await workerRegistration(context, page);
  const payload = JSON.stringify({
    web_push: 8030,
    notification: { title: text.title, body: text.body, navigate: `${baseURL}/history?faucet=${faucet.faucetNo}`, lang: 'ja', tag: `notice-${notice!.id}`, app_badge: 1 }
  });
  await deliver(payload);
  await deliver(payload);
  await expect.poll(() => shownNotifications(page)).toEqual([{ title: text.title, body: text.body, tag: `notice-${notice!.id}` }]);

  await tapNotification(context);
  await expect(page).toHaveURL(`/history?faucet=${faucet.faucetNo}`);
  await expect(page.locator('#usage-table tbody tr').first()).toContainText(month(period));
  await expect(page.locator('#usage-table tbody tr').first()).toContainText(yen(bill.total));
  expect(await shownNotifications(page)).toEqual([]);

  // With no network the list reads the same from the device, and reading a notice counts at once.
  await page.goto('/notices');
  await expect(item).toContainText(text.title);
  const before = await page.locator('ul.notices').innerText();
  const marks = countReadMarks(page);
  await context.setOffline(true);
  await page.reload();
  await expect.poll(() => page.locator('ul.notices').innerText()).toBe(before);
  await item.getByText(text.title).click();
  await expect(item).toContainText(text.body);
  await expect(item).toContainText('既読');
  await expect(page.getByRole('link', { name: /^お知らせ$/ })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: '未読のお知らせはありません。' })).toBeVisible();
  expect((await customerState(member.email)).notices.find((row) => row.id === notice!.id)!.readAt).toBeNull();

  // Back online. Chromium's emulation fires no 'online' in a page loaded offline: the customer returns to the app instead.
  await context.setOffline(false);
  const returnToApp = () => page.evaluate(() => window.dispatchEvent(new Event('focus')));
  await returnToApp();
  await expect.poll(async () => (await customerState(member.email)).notices.find((row) => row.id === notice!.id)!.readAt).not.toBeNull();
  await expect.poll(() => marks.answered).toBe(1);
  // Later syncs send nothing again: the outbox is empty.
  await returnToApp();
  await page.waitForLoadState('networkidle');
  expect(marks.sent).toBe(1);
  expect((await customerState(member.email)).clientChanges).toBe(1);

  // Off on this device: the server forgets it. On again, then log-out: the server forgets it and so does the browser.
  await page.goto('/settings');
  await expect(pushSwitch).toBeChecked();
  await pushSwitch.uncheck();
  await expect(page.getByText('この端末にはプッシュ通知は届きません。')).toBeVisible();
  expect((await customerState(member.email)).pushEndpoints).toEqual([]);
  await pushSwitch.check();
  await expect.poll(async () => (await customerState(member.email)).pushEndpoints).toEqual([device.endpoint]);
  await logOutFromMenu(page);
  await expect(page).toHaveURL('/login');
  expect((await customerState(member.email)).pushEndpoints).toEqual([]);
  expect(await page.evaluate(() => localStorage.getItem('e2e.pushSubscription'))).toBeNull();
  await logIn(page, member);
  await withdraw(page, member);
});
