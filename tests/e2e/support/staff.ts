import type { IncomingMessage, ServerResponse } from 'node:http';
import { expect, type Browser, type Page } from '@playwright/test';
import type { Database } from '../../../server/db/client.js';
import { commandLine } from '../../../server/features/audit/service.js';
import { createStaff, type StaffRole } from '../../../server/features/staff/service.js';
import type { MemberProcedureKind } from '../../../src/lib/shared/procedure-form.js';
import { SYNC_FORMAT, type PullResponse } from '../../../src/lib/shared/sync-wire.js';
import { expectNoAxeViolations } from './axe.js';
import { billingOfficePort } from './billing-office.js';
import { freshAddress } from './mail.js';
import { field } from './signup.js';

export const STAFF_PASSWORD = 'gyomuka-madoguchi-2026';

/**
 * The door answers `POST /staff?email=…&role=…` by creating a staff member as
 * `npm run staff -- create` does (the same service, audited as the command line), with the
 * one-time password it would print; true when it did.
 */
export function answerStaffCreation(db: Database, request: IncomingMessage, response: ServerResponse): boolean {
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (request.method !== 'POST' || url.pathname !== '/staff') return false;
  const role = url.searchParams.get('role') === 'admin' ? 'admin' : 'clerk';
  createStaff({ db, now: new Date() }, commandLine, { email: url.searchParams.get('email') ?? '', role }).then(
    (created) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ password: created.password })),
    (error: unknown) => response.writeHead(500).end(String(error))
  );
  return true;
}

/** A new staff member in the server the browser talks to (test side): their one-time password. */
export async function createStaffInPortal(email: string, role: StaffRole): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${billingOfficePort()}/staff?email=${encodeURIComponent(email)}&role=${role}`, { method: 'POST' });
  if (!response.ok) throw new Error(`no staff member: ${await response.text()}`);
  return ((await response.json()) as { password: string }).password;
}

/**
 * A fresh browser (its own cookies, like a counter PC) with a staff member who has just chosen
 * their own password; on the overview. `watch` sees the page before it opens anything.
 */
export async function staffPage(browser: Browser, role: StaffRole, watch?: (page: Page) => void): Promise<{ page: Page; email: string }> {
  const email = freshAddress(role);
  const oneTimePassword = await createStaffInPortal(email, role);
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
  watch?.(page);
  await page.goto('/staff');
  // Nobody signed in: the console's pages lead to its log-in.
  await expect(page).toHaveURL('/staff/login');
  await field(page, 'メールアドレス').fill(email);
  await field(page, 'パスワード').fill(oneTimePassword);
  await page.getByRole('button', { name: 'ログイン' }).click();
  await expect(page).toHaveURL('/staff/password');
  await expectNoAxeViolations(page);
  await field(page, '仮のパスワード').fill(oneTimePassword);
  await field(page, '新しいパスワード').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: '変更する' }).click();
  await expect(page).toHaveURL('/staff');
  await expect(page.getByText(/^会員数/)).toBeVisible();
  await expect(page).toHaveTitle('業務課 職員コンソール');
  return { page, email };
}

/** Files a procedure as the signed-in customer does, through the API from their page; its receipt number. */
export async function fileFromPage(page: Page, faucetNo: string, kind: MemberProcedureKind, fields: Record<string, string>): Promise<string> {
  return page.evaluate(
    async ({ faucetNo, format, kind, fields }) => {
      const input = encodeURIComponent(JSON.stringify({ format, cursor: null, knownLinks: [] }));
      const pulled = (await (await fetch(`/api/trpc/sync.pull?input=${input}`)).json()) as { result: { data: PullResponse } };
      const link = pulled.result.data.faucets?.find((faucet) => faucet.faucetNo === faucetNo);
      const filed = await fetch('/api/trpc/procedures.file', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ clientId: crypto.randomUUID(), linkId: link?.linkId, kind, fields })
      });
      return ((await filed.json()) as { result: { data: { receiptNo: string } } }).result.data.receiptNo;
    },
    { faucetNo, format: SYNC_FORMAT, kind, fields }
  );
}
