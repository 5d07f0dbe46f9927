import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Browser, type Page } from '@playwright/test';
import iconv from 'iconv-lite';
import { encodeRow, fileHeader } from '../../server/domain/import-rows.js';
import type { ReadingRow } from '../../src/lib/shared/billing-rows.js';
import { dateIn, shiftPeriod } from '../../src/lib/shared/periods.js';
import { expectNoAxeViolations } from './support/axe.js';
import { faucetHistory } from './support/demo-history.js';
import { faucetFor, faucetsFor } from './support/demo.js';
import { freshAddress } from './support/mail.js';
import { customerState } from './support/portal-state.js';
import { field, signUp, type NewMember } from './support/signup.js';
import { fileFromPage, STAFF_PASSWORD, staffPage } from './support/staff.js';
import { test } from './support/test.js';

// What the browser reports blocked by the Content-Security-Policy on any console page.
const cspViolations: string[] = [];
const watchCsp = (page: Page) =>
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) cspViolations.push(message.text());
  });
const newStaffPage = (browser: Browser, role: 'clerk' | 'admin') => staffPage(browser, role, watchCsp);
const fileProcedure = (page: Page, faucetNo: string) => fileFromPage(page, faucetNo, 'paper-slip', {});

test('a clerk moves a filed procedure to 完了 with a note and withdraws an account with a reason; the admin reads both in the audit log', async ({
  page,
  browser
}) => {
  test.setTimeout(180_000);
  const member: NewMember = { email: freshAddress('counter'), nickname: 'すみれ', password: 'mizu-no-kaze-2026', faucet: faucetFor('counter') };
  await signUp(page, member);
  const receiptNo = await fileProcedure(page, member.faucet.faucetNo);
  expect(receiptNo).toMatch(/^R-\d{4}-\d{6}$/);

  const clerk = await newStaffPage(browser, 'clerk');
  const desk = clerk.page;
  // The console is no customer page: it calls staff routes only (no customer session, no sync).
  const customerCalls: string[] = [];
  desk.on('request', (request) => {
    const { pathname } = new URL(request.url());
    if (!pathname.startsWith('/api/trpc/')) return;
    customerCalls.push(...pathname.slice('/api/trpc/'.length).split(',').filter((name) => !name.startsWith('staff.')));
  });
  await expectNoAxeViolations(desk);
  // A clerk has no audit log: no link, and the page says so.
  await expect(desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '監査ログ' })).toHaveCount(0);
  await desk.goto('/staff/audit');
  await expect(desk.getByText('監査ログは管理者だけが見られます。')).toBeVisible();
  // Nor may a clerk import files.
  await expect(desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '取り込み' })).toHaveCount(0);
  await desk.goto('/staff/imports');
  await expect(desk.getByText('ファイルの取り込みは管理者だけができます。')).toBeVisible();

  // The queue, filtered to what was received, names the filing; 受付 → 処理中 → 完了, each with a note.
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '手続き' }).click();
  await desk.getByLabel('状況').selectOption({ label: '受付' });
  await desk.getByRole('button', { name: '絞り込む' }).click();
  await expect(desk).toHaveURL('/staff/procedures?status=received');
  await expectNoAxeViolations(desk);
  await desk.getByRole('link', { name: receiptNo }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText(`手続き ${receiptNo}`);
  // The contract it was filed for, still the faucet's current one.
  await expect(desk.getByText('現在の契約', { exact: true })).toBeVisible();
  await expectNoAxeViolations(desk);
  await expect(desk.getByLabel('新しい状況')).toHaveValue('processing');
  await field(desk, 'お客様へのメモ').fill('書類を確認しています');
  await desk.getByRole('button', { name: '変更する' }).click();
  await expect(desk.getByRole('status')).toContainText('「処理中」に変更しました。');
  await desk.getByLabel('新しい状況').selectOption({ label: '完了' });
  await field(desk, 'お客様へのメモ').fill('来月から紙の検針票をお送りします');
  await desk.getByRole('button', { name: '変更する' }).click();
  await expect(desk.getByRole('status')).toContainText('「完了」に変更しました。');
  await expect(desk.getByRole('row').filter({ hasText: '来月から紙の検針票をお送りします' })).toContainText('完了');
  await expect(desk.getByText('この手続きは終わっています（完了）。')).toBeVisible();
  // Each change told the customer.
  const notices = (await customerState(member.email)).notices.filter((notice) => notice.facts.topic === 'procedure');
  expect(notices.map((notice) => (notice.facts.topic === 'procedure' ? notice.facts.status.ja : null))).toEqual(['処理中', '完了']);

  // The customer's device shows the status with the note, and the notice.
  await page.goto('/procedures');
  const filed = page.getByRole('listitem').filter({ hasText: receiptNo });
  await expect(filed).toContainText('状況: 完了');
  await expect(filed).toContainText('来月から紙の検針票をお送りします');
  await page.goto('/notices');
  await expect(page.getByRole('main')).toContainText(`紙の検針票の送付希望（受付番号 ${receiptNo}）は「完了」になりました。`);

  // The finished request puts the faucet on the list of those who keep the paper slip.
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '紙の検針票の希望' }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText('紙の検針票を希望しているお客様');
  await expect(desk.getByRole('row').filter({ hasText: member.faucet.faucetNo })).toContainText(member.email);
  await expect(desk.getByRole('row').filter({ hasText: member.faucet.faucetNo })).toContainText(receiptNo);
  await expectNoAxeViolations(desk);

  // Found by part of the holder's e-mail; withdrawn with a reason, which may not be left out.
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '会員検索' }).click();
  await field(desk, '水栓番号・メールアドレス').fill(member.email.split('@')[0]!);
  await desk.getByRole('button', { name: '検索' }).click();
  await expectNoAxeViolations(desk);
  await desk.getByRole('link', { name: member.email }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText(member.email);
  await expect(desk.getByRole('row').filter({ hasText: receiptNo })).toContainText('完了');
  await expectNoAxeViolations(desk);
  // The faucet is unlinked first (the customer moved out), with its reason.
  await desk.getByRole('button', { name: 'この水栓の登録を解除' }).click();
  await field(desk, '理由').fill('転居のため（電話で依頼）');
  await desk.getByRole('button', { name: '解除する', exact: true }).click();
  await expect(desk.getByRole('status').first()).toContainText(`水栓 ${member.faucet.faucetNo} の登録を解除しました。`);
  await expect(desk.getByText('登録された水栓はありません。')).toBeVisible();
  await desk.getByRole('button', { name: 'このアカウントを退会させる' }).click();
  await desk.getByRole('button', { name: '退会させる', exact: true }).click();
  await expect(field(desk, '理由')).toHaveAttribute('aria-invalid', 'true');
  await expect(desk.getByText('入力してください')).toBeVisible();
  await expectNoAxeViolations(desk);
  await field(desk, '理由').fill('メールを受け取れなくなったと電話あり（本人確認済み）');
  await desk.getByRole('button', { name: '退会させる', exact: true }).click();
  await expect(desk.getByRole('status').first()).toContainText(`${member.email} を退会させました。`);
  expect(customerCalls).toEqual([]);

  // The admin reads the withdrawal and the status changes, with who and why, in words, on a 1366 px desktop.
  const admin = await newStaffPage(browser, 'admin');
  await admin.page.setViewportSize({ width: 1366, height: 768 });
  await admin.page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '監査ログ' }).click();
  const withdrawal = admin.page.getByRole('row').filter({ hasText: '代理で退会' });
  await expect(withdrawal).toContainText(clerk.email);
  const reason = withdrawal.getByRole('cell', { name: 'メールを受け取れなくなったと電話あり（本人確認済み）' });
  // Inside the window's width with no sideways scrolling, read as a line or two, not two characters a line.
  const box = (await reason.boundingBox())!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(1366);
  expect(box.width).toBeGreaterThan(200);
  await expect(admin.page.getByRole('row').filter({ hasText: '水栓の登録を解除' }).first()).toContainText('転居のため（電話で依頼）');
  await expect(admin.page.getByRole('row').filter({ hasText: '手続きの状況を変更' }).filter({ hasText: receiptNo })).toHaveCount(2);
  await expect(admin.page.getByRole('row').filter({ hasText: receiptNo }).first()).toContainText('処理中 → 完了');
  // Narrowed to one clerk's withdrawals.
  await admin.page.getByLabel('実行者').selectOption({ label: clerk.email });
  await admin.page.getByLabel('操作').selectOption({ label: '代理で退会' });
  await admin.page.getByRole('button', { name: '絞り込む' }).click();
  await expect(admin.page).toHaveURL(`/staff/audit?actor=${encodeURIComponent(clerk.email)}&action=account.withdraw`);
  await expect(admin.page.getByRole('row')).toHaveCount(2);
  await expect(withdrawal).toContainText(member.email);
  await expectNoAxeViolations(admin.page);
  // Japanese first, English on request, with the same texts.
  await admin.page.getByRole('button', { name: 'English' }).click();
  await expect(admin.page.getByRole('heading', { level: 1 })).toHaveText('Audit log');
  await expect(admin.page.getByRole('navigation', { name: 'Staff menu' })).toBeVisible();
  await expectNoAxeViolations(admin.page);
  await admin.page.getByRole('button', { name: '日本語' }).click();

  // Logging out, and a session that ends by itself, each show the log-in page with a sentence why.
  await admin.page.getByRole('button', { name: 'ログアウト' }).click();
  await expect(admin.page).toHaveURL('/staff/login?why=loggedOut');
  await expect(admin.page.getByRole('status')).toHaveText(/ログアウトしました。/);
  await desk.context().clearCookies();
  await desk.goto('/staff/procedures');
  await expect(desk).toHaveURL('/staff/login?why=expired');
  await expect(desk.getByRole('status')).toContainText('30分間操作がなかったため');
  await expectNoAxeViolations(desk);
  expect(cspViolations).toEqual([]);
});

test('the service worker precaches none of the staff console', () => {
  const build = path.resolve('build');
  const worker = readFileSync(path.join(build, 'service-worker.js'), 'utf8');
  const precached = [...worker.matchAll(/_app\/immutable\/[\w./-]+\.(?:js|css)/g)].map((match) => match[0]);
  expect(precached.length).toBeGreaterThan(10);
  // The console's own layout holds this class; find every built file that does.
  const consoleFiles = readdirSync(path.join(build, '_app/immutable'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.js'))
    .map((file) => `_app/immutable/${file.replaceAll('\\', '/')}`)
    .filter((file) => readFileSync(path.join(build, file), 'utf8').includes('staff-console'));
  expect(consoleFiles.length).toBeGreaterThan(0);
  expect(precached.filter((file) => consoleFiles.includes(file))).toEqual([]);
  // The console's pages are not there either (each opens only online).
  expect(precached.filter((file) => readFileSync(path.join(build, file), 'utf8').includes('staff.support.search'))).toEqual([]);
});

/**
 * Next month's readings of three demo faucets no other test reads, as a Shift_JIS billing
 * system writes them: with a remarks column in Japanese, which the import ignores with a
 * warning. With `badDate`, the second reading's date is written 2026/…/10.
 */
function readingsFile(badDate: boolean): { name: string; mimeType: string; buffer: Buffer } {
  const readings = faucetsFor('nextReadings').map(({ faucetNo }) => faucetHistory(faucetNo).readings.at(-1)!);
  const lines = readings.map((last, index) => {
    const period = shiftPeriod(last.period, 1);
    const next: ReadingRow = { ...last, period, readingDate: dateIn(period, 10), meterTenths: last.meterTenths + 200, usageTenths: 200, nextReadingDate: null };
    const cells = encodeRow('readings', next);
    if (badDate && index === 1) cells[2] = cells[2]!.replaceAll('-', '/');
    return [...cells, '検針員 髙橋'].join(',');
  });
  const text = [[...fileHeader('readings'), '備考'].join(','), ...lines].join('\r\n') + '\r\n';
  return { name: badDate ? '検針_翌月.csv' : '検針_翌月_訂正.csv', mimeType: 'text/csv', buffer: iconv.encode(text, 'cp932') };
}

test('an admin checks a Shift_JIS readings file with one bad line, sees the report, then checks and imports the corrected file; the audit log shows it', async ({
  browser
}) => {
  test.setTimeout(120_000);
  const admin = await newStaffPage(browser, 'admin');
  const desk = admin.page;
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '取り込み' }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText('請求システムのファイルの取り込み');
  await expectNoAxeViolations(desk);

  // Nothing chosen: each missing choice is named next to its field, nothing is sent.
  const check = desk.getByRole('button', { name: '確認する（まだ取り込みません）' });
  await check.click();
  await expect(desk.getByLabel('ファイルの種類')).toHaveAttribute('aria-invalid', 'true');
  await expect(desk.getByText('ファイルの種類を選んでください')).toBeVisible();
  await desk.getByLabel('ファイルの種類').selectOption({ label: '検針（readings）' });
  await check.click();
  await expect(desk.getByLabel(/CSV ファイル/)).toHaveAttribute('aria-invalid', 'true');
  await expect(desk.getByText('ファイルを選んでください')).toBeVisible();
  await expectNoAxeViolations(desk);

  // A readings file sent as customers: the server names what it is, next to the kind.
  await desk.getByLabel(/CSV ファイル/).setInputFiles(readingsFile(true));
  await desk.getByLabel('ファイルの種類').selectOption({ label: '使用者（customers）' });
  await check.click();
  await expect(desk.getByText('このファイルは「検針（readings）」のファイルです。種類を選び直してください')).toBeVisible();
  await expect(desk.getByLabel('ファイルの種類')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(desk);

  // The bad file: its line and why, in the report; no way to import it.
  await desk.getByLabel('ファイルの種類').selectOption({ label: '検針（readings）' });
  await check.click();
  await expect(desk.getByRole('heading', { name: '確認の結果（データベースは変更していません）' })).toBeVisible();
  await expect(desk.getByText('検針_翌月.csv（検針（readings）、Shift_JIS）')).toBeVisible();
  const badRow = desk.getByRole('row').filter({ hasText: 'reading_date' });
  await expect(badRow.getByRole('cell').first()).toHaveText('3');
  await expect(badRow).toContainText('日付は YYYY-MM-DD で書いてください');
  await expect(desk.getByRole('listitem').filter({ hasText: '不明な列「備考」は無視しました' })).toBeVisible();
  await expect(desk.getByRole('alert')).toContainText('不正な行があるため、取り込めません。');
  await expect(desk.getByRole('button', { name: 'この内容で取り込む' })).toHaveCount(0);
  await expectNoAxeViolations(desk);

  // The corrected file: checked (the bar shows while the server works), then imported.
  await desk.getByLabel(/CSV ファイル/).setInputFiles(readingsFile(false));
  let release = () => {};
  const held = new Promise<void>((resolve) => (release = resolve));
  await desk.route('**/api/trpc/staff.imports.upload', async (route) => {
    await held;
    await route.continue();
  });
  await check.click();
  await expect(desk.getByRole('progressbar', { name: '進み具合' })).toBeVisible();
  await expectNoAxeViolations(desk);
  release();
  await expect(desk.getByRole('progressbar')).toHaveCount(0);
  await desk.unroute('**/api/trpc/staff.imports.upload');
  await expect(desk.getByText('問題はありません。')).toBeVisible();
  await expect(desk.getByRole('definition').nth(1)).toHaveText('3');
  await desk.getByRole('button', { name: 'この内容で取り込む' }).click();
  await expect(desk.getByRole('status').filter({ hasText: '取り込みました。' })).toBeVisible();
  await expect(desk.getByRole('heading', { name: '取り込みの結果' })).toBeVisible();
  await expect(desk.getByRole('button', { name: 'この内容で取り込む' })).toHaveCount(0);
  await desk.getByText('コマンド（npm run import）と同じ報告').click();
  await expect(desk.getByText(/取り込みました \/ imported/)).toBeVisible();
  await expectNoAxeViolations(desk);

  // English too.
  await desk.getByRole('button', { name: 'English' }).click();
  await expect(desk.getByRole('heading', { level: 1 })).toHaveText('Import billing-system files');
  await desk.getByRole('button', { name: '日本語' }).click();

  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '監査ログ' }).click();
  const imported = desk.getByRole('row').filter({ hasText: '検針_翌月_訂正.csv' });
  await expect(imported).toHaveCount(1);
  await expect(imported).toContainText(admin.email);
  await expect(imported).toContainText('ファイルを取り込み');
  expect(cspViolations).toEqual([]);
});

/** Tries to add a faucet with a wrong phone number as the signed-in customer, through the API from their page; the answer's status. */
async function refusedFaucetProof(page: Page, faucetNo: string): Promise<number> {
  return page.evaluate(async (faucetNo) => {
    const added = await fetch('/api/trpc/faucets.add', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ faucetNo, phone: '0000000000', label: null, consent: true })
    });
    return added.status;
  }, faucetNo);
}

test('a clerk finds a faucet locked by failed proofs by its number, with its holder, and unlocks it; 高橋 finds the member whose holder is 髙橋', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const member: NewMember = { email: freshAddress('variant'), nickname: 'みさき', password: 'yuki-no-oka-2026', faucet: faucetFor('variantName') };
  await signUp(page, member);
  const locked = faucetFor('lockedProof');
  const statuses = [];
  for (let attempt = 0; attempt < 5; attempt++) statuses.push(await refusedFaucetProof(page, locked.faucetNo));
  expect(statuses).toEqual([400, 400, 400, 400, 400]);
  expect(await refusedFaucetProof(page, locked.faucetNo)).toBe(429);

  const { page: desk } = await newStaffPage(browser, 'clerk');
  await desk.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '会員検索' }).click();
  await field(desk, '水栓番号・メールアドレス・名義人の氏名またはフリガナ').fill(locked.faucetNo);
  await desk.getByRole('button', { name: '検索', exact: true }).click();
  const found = desk.getByRole('region', { name: `水栓番号 ${locked.faucetNo} の水栓` });
  await expect(found).toContainText('名義人');
  await expect(found).toContainText(/失敗 5 回\s*（ロック中）/);
  // Nobody has the faucet: no account is found, and the faucet is shown all the same.
  await expect(desk.getByText('見つかりませんでした。')).toBeVisible();
  await expectNoAxeViolations(desk);
  await found.getByRole('button', { name: 'ロックを解除' }).click();
  await field(desk, '理由').fill('お電話でご本人確認、番号の入力違い');
  await found.getByRole('button', { name: '解除する' }).click();
  await expect(found.getByRole('status')).toContainText(`水栓 ${locked.faucetNo} のロックを解除しました（5件の失敗を取り消し）。`);
  await expect(found).toContainText(/失敗 0 回\s*（ロックされていません）/);

  await field(desk, '水栓番号・メールアドレス・名義人の氏名またはフリガナ').fill('高橋');
  await desk.getByRole('button', { name: '検索', exact: true }).click();
  await expect(desk.getByRole('row').filter({ hasText: member.email })).toContainText('髙橋');
});

test('an admin creates a clerk in the console, whose one-time password is shown once and lets them in to choose their own', async ({ browser }) => {
  test.setTimeout(90_000);
  const admin = await newStaffPage(browser, 'admin');
  await admin.page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '職員アカウント' }).click();
  const email = freshAddress('console-made');
  await admin.page.getByRole('button', { name: '作成する' }).click();
  await expect(field(admin.page, 'メールアドレス')).toHaveAttribute('aria-invalid', 'true');
  await field(admin.page, 'メールアドレス').fill(email);
  await admin.page.getByLabel('役割').selectOption({ label: '職員' });
  await field(admin.page, '作成の理由').fill('4月の異動');
  await admin.page.getByRole('button', { name: '作成する' }).click();
  const told = admin.page.getByRole('status').first();
  await expect(told).toContainText(`${email} を作成しました。仮のパスワード：`);
  const oneTimePassword = /仮のパスワード：(\S+?)（/.exec((await told.textContent())!)![1]!;
  await expect(admin.page.getByRole('row').filter({ hasText: email })).toContainText('仮のパスワード');
  await expectNoAxeViolations(admin.page);
  // Shown once: a reload does not show it again.
  await admin.page.reload();
  await expect(admin.page.getByText(oneTimePassword)).toHaveCount(0);

  const desk = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  await desk.goto('/staff/login');
  await field(desk, 'メールアドレス').fill(email);
  await field(desk, 'パスワード').fill(oneTimePassword);
  await desk.getByRole('button', { name: 'ログイン' }).click();
  await expect(desk).toHaveURL('/staff/password');
});

test('an admin disables a clerk with a reason, whose console is signed out at once and whose log-in is refused, then enables them again', async ({ browser }) => {
  // Two staff members signing in and four axe runs: more than the default on a busy machine.
  test.setTimeout(90_000);
  const admin = await newStaffPage(browser, 'admin');
  const clerk = await newStaffPage(browser, 'clerk');
  await expect(clerk.page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '職員アカウント' })).toHaveCount(0);

  await admin.page.getByRole('navigation', { name: '職員メニュー' }).getByRole('link', { name: '職員アカウント' }).click();
  await expect(admin.page.getByRole('heading', { level: 1 })).toHaveText('職員アカウント');
  const row = admin.page.getByRole('row').filter({ hasText: clerk.email });
  await expect(row).toContainText('利用中');
  await row.getByRole('button', { name: '停止する' }).click();
  await row.getByRole('button', { name: '停止する' }).click();
  await expect(field(admin.page, '理由')).toHaveAttribute('aria-invalid', 'true');
  await expectNoAxeViolations(admin.page);
  await field(admin.page, '理由').fill('退職（3月末）');
  await row.getByRole('button', { name: '停止する' }).click();
  await expect(admin.page.getByRole('status').first()).toContainText(`${clerk.email} を停止しました。`);
  await expect(row).toContainText('停止中');

  // The clerk's session ended with the disable: the next page leads to the log-in, which tells them only once the password is right.
  await clerk.page.goto('/staff/procedures');
  await expect(clerk.page).toHaveURL('/staff/login?why=expired');
  await field(clerk.page, 'メールアドレス').fill(clerk.email);
  await field(clerk.page, 'パスワード').fill(STAFF_PASSWORD);
  await clerk.page.getByRole('button', { name: 'ログイン' }).click();
  await expect(clerk.page.getByText('このアカウントは停止されています。管理者に連絡してください')).toBeVisible();

  await row.getByRole('button', { name: '再開する' }).click();
  await field(admin.page, '理由').fill('再雇用');
  await row.getByRole('button', { name: '再開する' }).click();
  await expect(row).toContainText('利用中');
  await clerk.page.getByRole('button', { name: 'ログイン' }).click();
  await expect(clerk.page).toHaveURL('/staff');

  await admin.page.getByRole('button', { name: 'English' }).click();
  await expect(admin.page.getByRole('heading', { level: 1 })).toHaveText('Staff accounts');
  await expectNoAxeViolations(admin.page);
  await admin.page.getByRole('button', { name: '日本語' }).click();
});
