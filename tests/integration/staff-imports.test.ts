import { readdirSync } from 'node:fs';
import path from 'node:path';
import { and, count, eq } from 'drizzle-orm';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, importRuns } from '../../server/db/schema.js';
import { MAX_UPLOAD_BYTES, uploadHeaders } from '../../src/lib/shared/import-upload.js';
import { failureOf, signUp, startApp, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, snapshot } from './support/import-files.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff, upload } from './support/staff.js';

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
    const bad = await upload(admin, { kind: 'readings', encoding: 'auto', file: readingsFile(true) });
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
    const forced = await upload(admin, { kind: 'readings', file: readingsFile(true), previewed: bad.sha256 });
    expect(forced.status).toBe('rejected');
    expect(await everything()).toEqual(before);

    const preview = await upload(admin, { kind: 'readings', encoding: 'auto', file: readingsFile() });
    expect(preview).toMatchObject({ status: 'dry-run', files: [{ encoding: 'sjis', rowsRead: 3, inserted: 3, updated: 0, unchanged: 0, badLines: 0 }] });
    expect(preview.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await everything()).toEqual(before);

    const applied = await upload(admin, { kind: 'readings', encoding: 'auto', file: readingsFile(), previewed: preview.sha256 });
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
    expect(await failureOf(upload(admin, { kind: 'readings', file: other, previewed: 'a'.repeat(64) }))).toMatchObject({
      code: 'CONFLICT',
      field: 'file',
      reason: { ja: expect.stringContaining('確認したときと変わっています') }
    });
    expect(await failureOf(upload(admin, { kind: 'customers', file: other }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'kind',
      reason: { ja: 'このファイルは「検針（readings）」のファイルです。種類を選び直してください' }
    });
    expect(await failureOf(upload(admin, { kind: 'readings', file: new File([], 'empty.csv') }))).toMatchObject({
      field: 'file',
      reason: { ja: 'ファイルが空です' }
    });
    const huge = new File([new Uint8Array(MAX_UPLOAD_BYTES + 1)], 'huge.csv');
    expect(await failureOf(upload(admin, { kind: 'readings', file: huge }))).toMatchObject({
      field: 'file',
      reason: { en: expect.stringContaining('at most 32 MB') }
    });
    expect(await failureOf(upload(admin, { kind: 'meters', file: other }))).toMatchObject({ code: 'BAD_REQUEST', field: 'kind' });
    expect(await failureOf(upload(admin, { kind: 'readings', file: new File(['x'], `a\u0000b.csv`) }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'file'
    });
    expect(await failureOf(upload(admin, { kind: 'readings', file: new File(['x'], `${'a'.repeat(252)}.csv`) }))).toMatchObject({
      code: 'BAD_REQUEST',
      field: 'file'
    });
    // A name that is not URI-encoded text, and no kind at all: what only a hand-made request sends.
    const raw = (headers: Record<string, string>) => admin.api.staff.imports.upload.mutate(other, { context: { headers } });
    expect(await failureOf(raw({ 'x-import-kind': 'readings', 'x-import-file-name': '%E6%A4' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'file' });
    expect(await failureOf(raw({ 'x-import-file-name': 'edited.csv' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'kind' });
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  });

  it('takes uploads from admins only, from our own pages only; nobody else may send a body larger than any other call', async () => {
    const before = await everything();
    const readings = (client: Client) => upload(client, { kind: 'readings', file: readingsFile() });
    expect((await failureOf(readings(clerk))).code).toBe('FORBIDDEN');
    expect((await failureOf(readings(customer))).code).toBe('UNAUTHORIZED');
    expect((await failureOf(readings(app.client()))).code).toBe('UNAUTHORIZED');
    const foreign = app.client({ origin: 'https://evil.example' });
    for (const [name, value] of admin.cookies) foreign.cookies.set(name, value);
    expect((await failureOf(readings(foreign))).code).toBe('FORBIDDEN');
    // A clerk's megabyte is refused before it is read (and cut off as it arrives, as any other call's would be).
    const big = new File([new Uint8Array(1024 * 1024)], 'big.csv');
    expect((await failureOf(upload(clerk, { kind: 'readings', file: big }))).code).toBe('FORBIDDEN');
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  });

  it("cuts off an admin's body sent without a length (chunked) once it passes the limit", async () => {
    const before = await everything();
    const megabyte = new Uint8Array(1024 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_UPLOAD_BYTES) return controller.close();
        controller.enqueue(megabyte);
        sent += megabyte.length;
      }
    });
    const response = await fetch(`${app.baseUrl}/api/trpc/staff.imports.upload`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        Origin: 'http://localhost:3000',
        Cookie: [...admin.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        'Content-Type': 'application/octet-stream',
        ...uploadHeaders({ kind: 'readings', fileName: 'endless.csv' })
      }
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await everything()).toEqual(before);
    expect(uploadsLeft()).toEqual([]);
  });
});
