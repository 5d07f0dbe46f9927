import { expect, type APIRequestContext } from '@playwright/test';
import { SYNC_FORMAT, type PullResponse } from '../../src/lib/shared/sync-wire.js';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetHistory } from './support/demo-history.js';
import { otherFaucet, signupFaucet } from './support/demo.js';
import { yen } from './support/expected-text.js';
import { freshAddress } from './support/mail.js';
import { addFaucetFromMenu, withdraw } from './support/member.js';
import { signUp, type NewMember } from './support/signup.js';
import { test } from './support/test.js';

/** The faucets as the server holds them now, asked with the member's session (a first pull carries the whole list). */
async function serverFaucets(request: APIRequestContext) {
  const input = encodeURIComponent(JSON.stringify({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }));
  const response = await request.get(`/api/trpc/sync.pull?input=${input}`);
  expect(response.ok()).toBe(true);
  return ((await response.json()) as { result: { data: PullResponse } }).result.data.faucets ?? [];
}

test('a faucet added shows its bills on Home at once; /faucets works offline, and a name given offline reaches the server once', async ({
  page,
  context
}) => {
  test.setTimeout(120_000);
  const member: NewMember = { email: freshAddress('outbox'), nickname: 'かえで', password: 'mizu-no-kaze-2026', faucet: signupFaucet() };
  const second = otherFaucet();
  await signUp(page, member);

  // Added on /faucets, its latest bill is on Home without a reload: the add syncs at once.
  await page.evaluate(() => ((window as { sameDocument?: boolean }).sameDocument = true));
  await addFaucetFromMenu(page, second);
  await page.getByRole('navigation').getByRole('link', { name: 'ホーム' }).click();
  // Two faucets: one row each on Home, with its latest amount.
  const addedRow = page.getByRole('link', { name: new RegExp(`^水栓番号 ${second.faucetNo}`) });
  await expect(addedRow.getByText(yen(faucetHistory(second.faucetNo).bills.at(-1)!.total), { exact: true })).toBeVisible();
  expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true);

  // Offline, a new page opens /faucets from the device's copy: both faucets, with their contract start.
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await context.setOffline(true);
  const faucets = await context.newPage();
  await page.close();
  await faucets.goto('/faucets');
  const cards = faucets.getByRole('list').filter({ has: faucets.getByRole('heading', { level: 3 }) }).getByRole('listitem');
  await expect(cards).toHaveCount(2);
  const first = cards.filter({ hasText: member.faucet.faucetNo });
  await expect(first).toContainText('契約開始日');
  await expect(cards.filter({ hasText: second.faucetNo })).toBeVisible();

  // Renamed offline: the page shows the new name at once, marked as waiting to be sent.
  await first.getByRole('button', { name: '表示名を変更' }).click();
  await first.getByLabel(/^表示名/).fill('自宅');
  await first.getByRole('button', { name: '表示名を保存' }).click();
  await expect(faucets.getByRole('status')).toContainText('表示名を保存しました');
  await expect(first.getByRole('heading', { level: 3 })).toHaveText('自宅 送信待ち');
  await expectNoAxeViolations(faucets);

  // Back online the rename reaches the server, but its answer is lost; meanwhile another device names the faucet 実家.
  const sends: string[] = [];
  await context.route('**/api/trpc/*faucets.label*', async (route) => {
    sends.push(route.request().postData() ?? '');
    if (sends.length > 1) return route.continue();
    await route.fetch();
    const [link] = (await serverFaucets(faucets.request)).filter((faucet) => faucet.faucetNo === member.faucet.faucetNo);
    expect(link!.label).toBe('自宅');
    const otherDevice = await faucets.request.post('/api/trpc/faucets.label', {
      headers: { Origin: new URL(faucets.url()).origin },
      data: { linkId: link!.linkId, label: '実家', clientId: crypto.randomUUID() }
    });
    expect(otherDevice.ok()).toBe(true);
    await route.abort('connectionreset');
  });
  await context.setOffline(false);
  await expect.poll(() => sends.length).toBe(1);
  await expect(first.getByRole('heading', { level: 3 })).toHaveText('自宅 送信待ち');

  // The next sync sends it again with the same id: the server changes nothing, and the device shows what the server holds.
  await faucets.evaluate(() => window.dispatchEvent(new Event('focus')));
  await expect(first.getByRole('heading', { level: 3 })).toHaveText('実家');
  expect(sends).toHaveLength(2);
  expect(JSON.parse(sends[1]!)).toEqual(JSON.parse(sends[0]!));
  expect((await serverFaucets(faucets.request)).map((faucet) => [faucet.faucetNo, faucet.label])).toEqual([
    [member.faucet.faucetNo, '実家'],
    [second.faucetNo, null]
  ]);

  await withdraw(faucets, member);
});
