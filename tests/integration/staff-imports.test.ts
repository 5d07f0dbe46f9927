import { readdirSync } from 'node:fs';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, importRuns } from '../../server/db/schema.js';
import { MAX_UPLOAD_BYTES } from '../../src/lib/shared/import-upload.js';
import { failureOf, signUp, startApp, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, snapshot } from './support/import-files.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

let app: App;
let admin: Client;
let clerk: Client;
let customer: Client;
beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
  admin = await signInStaff(app, 'admin');
  clerk = await signInStaff(app, 'clerk');
  customer = app.client();
  await signUp(app, customer, 'member@example.jp', faucet(0));
}, 60_000);
afterAll(async () => {
  await app.close();
});

/** A readings file as a Shift_JIS billing system writes it: a remarks column the import does not know, in Japanese. */
function readingsFile(badLine = false): File {
  const lines = [
    `${headers.readings},備考`,
    `${faucet(1).faucetNo},2026-10,2026-10-14,1020,20,2026-11-13,検針員 髙橋`,
    `${faucet(2).faucetNo},2026-10,${badLine ? '2026/10/14' : '2026-10-14'},1031,31,2026-11-13,留守`,
    `${faucet(3).faucetNo},2026-10,2026-10-15,1009.5,9.5,,`
  ];
  return new File([new Uint8Array(iconv.encode(`${lines.join('\r\n')}\r\n`, 'cp932'))], badLine ? '検針_202610.csv' : '検針_202610_訂正.csv');
}

function form(fields: Record<string, string | File>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.append(name, value);
  return data;
}

/** What an upload could leave behind: the import's tables, its runs and the audit log. */
async function everything() {
  return {
    tables: await snapshot(app.db),
    runs: (await app.db.select({ n: count() }).from(importRuns))[0]!.n,
    audit: (await app.db.select({ n: count() }).from(auditLog))[0]!.n
  };
}

const uploadsLeft = () => {
  try {
    return readdirSync(path.join(app.dataDir, 'uploads'));
  } catch {
    return [];
  }
};

describe(`the staff console's import upload on ${driverName}`, () => {
  beforeEach(() => {
    expect(uploadsLeft()).toEqual([]);
  });

  it('previews a Shift_JIS file with one bad line: the line and why, nothing written; the corrected file previews, then applies, audited as the admin', async () => {
    const before = await everything();
    const bad = await admin.api.staff.imports.upload.mutate(form({ kind: 'readings', encoding: 'auto', file: readingsFile(true) }));
    expect(bad.status).toBe('rejected');
    expect(bad.files[0]).toMatchObject({ kind: 'readings', encoding: 'sjis', fileName: '検針_202610.csv', badLines: 1, rowsRead: 3 });
    expect(bad.files[0]!.listed).toMatchObject([{ line: 3, column: 'reading_date', value: '2026/10/14' }]);
    expect(bad.files[0]!.warnings).toEqual(['unknown column "備考" ignored / 不明な列「備考」は無視しました']);
    // The report the CLI prints, word for word.
    expect(bad.report).toContain('3行目 reading_date「2026/10/14」');
    expect(bad.report).toContain('検針_202610.csv (readings, Shift_JIS');
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);

    // Applying the bad file anyway (not what the page offers) is rejected by the import itself.
    const forced = await admin.api.staff.imports.upload.mutate(form({ kind: 'readings', file: readingsFile(true), previewed: bad.sha256 }));
    expect(forced.status).toBe('rejected');
    expect(await everything()).toEqual(before);

    const preview = await admin.api.staff.imports.upload.mutate(form({ kind: 'readings', encoding: 'auto', file: readingsFile() }));
    expect(preview).toMatchObject({ status: 'dry-run', files: [{ encoding: 'sjis', rowsRead: 3, inserted: 3, updated: 0, unchanged: 0, badLines: 0 }] });
    expect(preview.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await everything()).toEqual(before);

    const applied = await admin.api.staff.imports.upload.mutate(form({ kind: 'readings', encoding: 'auto', file: readingsFile(), previewed: preview.sha256 }));
    expect(applied).toMatchObject({ status: 'imported', sha256: preview.sha256, files: [{ rowsRead: 3, inserted: 3 }] });
    expect(applied.report).toContain('取り込みました / imported');
    const [run] = await app.db.select().from(importRuns).where(eq(importRuns.sha256, preview.sha256));
    expect(run).toMatchObject({ kind: 'readings', fileName: '検針_202610_訂正.csv', encoding: 'sjis', ranBy: 'admin@city.example.jp', inserted: 3 });
    const [entry] = await app.db.select().from(auditLog).where(and(eq(auditLog.action, 'import'), eq(auditLog.actor, 'admin@city.example.jp')));
    expect(entry).toMatchObject({ action: 'import', targetKind: 'readings', targetId: '検針_202610_訂正.csv' });
    expect(entry!.staffId).not.toBeNull();
    expect((await everything()).audit).toBe(before.audit + 1);
  });

  it('refuses, next to the field and writing nothing: a file changed since its preview, another kind of file, an empty or too large file, a bad kind', async () => {
    const before = await everything();
    const other = new File([`${headers.readings}\r\n${faucet(4).faucetNo},2026-10,2026-10-14,1001,1,\r\n`], 'edited.csv');
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'readings', file: other, previewed: 'a'.repeat(64) })))).toMatchObject({
      code: 'CONFLICT',
      field: 'file',
      reason: { ja: expect.stringContaining('確認したときと変わっています') }
    });
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'customers', file: other })))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'kind',
      reason: { ja: 'このファイルは「検針（readings）」のファイルです。種類を選び直してください' }
    });
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'readings', file: new File([], 'empty.csv') })))).toMatchObject({
      field: 'file',
      reason: { ja: 'ファイルが空です' }
    });
    const huge = new File([new Uint8Array(MAX_UPLOAD_BYTES + 1)], 'huge.csv');
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'readings', file: huge })))).toMatchObject({
      field: 'file',
      reason: { en: expect.stringContaining('at most 32 MB') }
    });
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'meters', file: other })))).toMatchObject({ code: 'BAD_REQUEST', field: 'kind' });
    expect(await failureOf(admin.api.staff.imports.upload.mutate(form({ kind: 'readings', file: new File(['x'], `a\u0000b.csv`) })))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'file'
    });
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  });

  it('takes uploads from admins only, from our own pages only; nobody else may send a body larger than any other call', async () => {
    const before = await everything();
    const upload = (client: Client) => client.api.staff.imports.upload.mutate(form({ kind: 'readings', file: readingsFile() }));
    expect((await failureOf(upload(clerk))).code).toBe('FORBIDDEN');
    expect((await failureOf(upload(customer))).code).toBe('UNAUTHORIZED');
    expect((await failureOf(upload(app.client()))).code).toBe('UNAUTHORIZED');
    const foreign = app.client({ origin: 'https://evil.example' });
    for (const [name, value] of admin.cookies) foreign.cookies.set(name, value);
    expect((await failureOf(upload(foreign))).code).toBe('FORBIDDEN');
    // A clerk's megabyte is cut off as it arrives, as any other call's would be.
    const big = new File([new Uint8Array(1024 * 1024)], 'big.csv');
    expect((await failureOf(clerk.api.staff.imports.upload.mutate(form({ kind: 'readings', file: big })))).status).toBe(413);
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  });
});
