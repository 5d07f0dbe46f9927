import { expect, type Page } from '@playwright/test';
import { importIntoPortal } from './support/billing-office.js';
import { faucetHistory } from './support/demo-history.js';
import { faucetFor } from './support/demo.js';
import { month, pair, yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { signUp } from './support/signup.js';
import { test } from './support/test.js';

/** Each usage row's period and amount, newest first. */
const periodsAndAmounts = (page: Page) =>
  page.locator('#usage-table tbody tr').evaluateAll((rows) =>
    rows.map((row) => {
      const cells = [...row.children].map((cell) => cell.textContent?.trim() ?? '');
      return [cells[0]!, cells[3]!];
    })
  );

/** The periods of every billing row the device stores, read straight from IndexedDB in the page. */
const storedPeriods = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const opening = indexedDB.open('josuido-portal');
        opening.onerror = () => reject(opening.error);
        opening.onsuccess = () => {
          const database = opening.result;
          const stores = ['readings', 'bills', 'payments'];
          const reading = database.transaction(stores, 'readonly');
          const periods: string[] = [];
          for (const store of stores) {
            const all = reading.objectStore(store).getAll();
            all.onsuccess = () => periods.push(...(all.result as { period: string }[]).map((row) => row.period));
          }
          reading.oncomplete = () => {
            database.close();
            resolve(periods);
          };
        };
      })
  );

/** Counts the pulls the page makes from now on. */
function countPulls(page: Page): () => number {
  let pulls = 0;
  page.on('request', (request) => {
    if (request.url().includes('sync.pull')) pulls += 1;
  });
  return () => pulls;
}

/** What the app does when the customer comes back to it: one sync. */
const returnToApp = (page: Page) => page.evaluate(() => window.dispatchEvent(new Event('focus')));

/** Opens History and waits for the sync the app starts with to end, so that the pulls a test counts afterwards are its own. */
async function openHistory(page: Page, faucetNo: string) {
  await page.goto(`/history?faucet=${faucetNo}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('ご利用履歴');
  // The page shows the device's copy at once, before that sync has even asked the server.
  await page.waitForLoadState('networkidle');
}

test('a bill corrected by an import reaches the open history page within one sync, a reading with a decimal meter value the home page', async ({ page }) => {
  test.setTimeout(60_000);
  const faucet = faucetFor('correction');
  const { bills, readings } = faucetHistory(faucet.faucetNo);
  const latest = bills.at(-1)!;
  await signUp(page, { email: freshAddress('correction'), nickname: 'ただし', password: 'kita-no-mizu-2026', faucet });
  await openHistory(page, faucet.faucetNo);
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows[0])).toEqual([month(latest.period), yen(latest.total)]);

  // The billing office finds the water charge 1,100 円 too low and sends the bill again.
  const corrected = { ...latest, waterCharge: latest.waterCharge + 1100, tax: latest.tax! + 100, total: latest.total + 1100 };
  const result = await importIntoPortal('bills', [corrected]);
  expect(result.files[0]).toMatchObject({ updated: 1, inserted: 0 });

  const pulls = countPulls(page);
  await returnToApp(page);
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows[0])).toEqual([month(latest.period), yen(corrected.total)]);
  expect(pulls()).toBe(1);
  const rows = await periodsAndAmounts(page);
  expect(rows).toHaveLength(24);
  expect(rows.slice(1).map(([, amount]) => amount)).toEqual([...bills].reverse().slice(1, 24).map((bill) => yen(bill.total)));

  // The meter was read to a tenth: the corrected reading shows it as written, on the home page.
  const reading = readings.at(-1)!;
  const wholeM3 = Math.floor(reading.meterTenths / 10);
  await importIntoPortal('readings', [{ ...reading, meterTenths: wholeM3 * 10 + 5 }]);
  await page.goto('/');
  const card = page.getByRole('region', { name: `水栓番号 ${faucet.faucetNo}` });
  await expect(card).toContainText(pair('今回指針', `${wholeM3.toLocaleString('en')}.5`));
});

test("a holder change takes the new holder's periods off the previous holder's device, and the new holder's device never holds the old ones", async ({
  page,
  browser
}) => {
  test.setTimeout(90_000);
  const faucet = faucetFor('holderChange');
  const history = faucetHistory(faucet.faucetNo);
  const periods = history.bills.map((bill) => bill.period);
  await signUp(page, { email: freshAddress('moving-out'), nickname: 'まえの', password: 'kita-no-mizu-2026', faucet });
  await openHistory(page, faucet.faucetNo);
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows.length)).toBe(24);

  // A new tenant moved in on the first day of the sixth-newest period; the billing system says so.
  const moveIn = periods.at(-6)!;
  const newcomer = { ...history.customer, holderName: '新居　花子', holderKana: 'アライ　ハナコ', phone: '0165492468', contractStart: `${moveIn}-01`, contractEnd: null };
  await importIntoPortal('customers', [newcomer]);

  const pulls = countPulls(page);
  await returnToApp(page);
  const previousPeriods = periods.filter((period) => period < moveIn).reverse().slice(0, 24);
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows.map(([period]) => period))).toEqual(previousPeriods.map(month));
  expect(pulls()).toBe(1);
  expect((await storedPeriods(page)).filter((period) => period >= moveIn)).toEqual([]);

  // The new holder, on a device of their own, proves the faucet with the phone now on record.
  const theirDevice = await browser.newContext();
  const theirPage = await theirDevice.newPage();
  try {
    await signUp(theirPage, {
      email: freshAddress('moving-in'),
      nickname: 'あらい',
      password: 'kita-no-mizu-2026',
      faucet: { faucetNo: faucet.faucetNo, phone: newcomer.phone }
    });
    await openHistory(theirPage, faucet.faucetNo);
    const theirPeriods = periods.filter((period) => period >= moveIn).reverse();
    await expect.poll(() => periodsAndAmounts(theirPage).then((rows) => rows.map(([period]) => period))).toEqual(theirPeriods.map(month));
    const stored = await storedPeriods(theirPage);
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.filter((period) => period < moveIn)).toEqual([]);
  } finally {
    await theirDevice.close();
  }
});

/** Delivers a push message to the page's service worker the way the browser's push service would. */
async function deliverPush(page: Page) {
  const devtools = await page.context().newCDPSession(page);
  const registered = new Promise<string>((resolve) => {
    devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((registration) => !registration.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await devtools.send('ServiceWorker.enable');
  const registrationId = await registered;
  await devtools.send('ServiceWorker.deliverPushMessage', { origin: new URL(page.url()).origin, registrationId, data: '{}' });
}

test('a push message makes the open page sync at once', async ({ page }) => {
  test.setTimeout(60_000);
  const faucet = faucetFor('push');
  const latest = faucetHistory(faucet.faucetNo).bills.at(-1)!;
  await signUp(page, { email: freshAddress('push'), nickname: 'おしらせ', password: 'kita-no-mizu-2026', faucet });
  await openHistory(page, faucet.faucetNo);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows[0])).toEqual([month(latest.period), yen(latest.total)]);

  const corrected = { ...latest, sewerCharge: latest.sewerCharge + 2200, total: latest.total + 2200 };
  await importIntoPortal('bills', [corrected]);

  const pulls = countPulls(page);
  await deliverPush(page);
  await expect.poll(() => periodsAndAmounts(page).then((rows) => rows[0])).toEqual([month(latest.period), yen(corrected.total)]);
  expect(pulls()).toBe(1);
});
