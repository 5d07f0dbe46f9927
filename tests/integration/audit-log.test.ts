import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { errorKind } from '../../server/db/errors.js';
import { audit, commandLine, readAuditLog } from '../../server/features/audit/service.js';
import { importFiles } from '../../server/features/imports/service.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';

describe(`the audit log on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('keeps what was written and refuses every update, delete and truncate', async () => {
    const { db } = database;
    await audit(db, commandLine, { action: 'staff.create', targetKind: 'staff', targetId: 1, reason: 'first admin' }, new Date('2026-06-01T00:00:00Z'));
    for (const statement of [sql`update audit_log set reason = 'rewritten'`, sql`delete from audit_log`, sql`truncate audit_log`]) {
      const refused = await db.execute(statement).then(() => null, (error: unknown) => error);
      expect(errorKind(refused)).toEqual({ kind: 'DatabaseError', code: '42501' });
    }
    const [entry] = await readAuditLog(db, {});
    expect(entry).toMatchObject({ actor: 'command line', action: 'staff.create', targetKind: 'staff', targetId: '1', reason: 'first admin' });
  });

  it('records every applied import with who ran it, and no dry run or rejected file', async () => {
    const { db } = database;
    const customersFile = writeCsv([headers.customers, '40000001,名寄 太郎,,01654-2-0001,名寄市西1条,,,,2020-04-01,,transfer']);
    const badFile = writeCsv([headers.customers, '40000002,,,,,,,,2020-04-01,,transfer']);
    const run = (path: string, dryRun = false) =>
      importFiles({ db, now: new Date() }, [{ kind: 'customers', path }], { rules: importRules, notices: noticeRules, ranBy: 'cli:gyomu', dryRun });
    expect((await run(customersFile, true)).status).toBe('dry-run');
    expect((await run(badFile)).status).toBe('rejected');
    expect((await run(customersFile)).status).toBe('imported');
    const entries = await readAuditLog(db, {});
    expect(entries).toMatchObject([{ actor: 'cli:gyomu', staffId: null, action: 'import', targetKind: 'customers', details: { rowsRead: 1, inserted: 1 } }]);
  });

  it('narrows by who, by action and by Tokyo calendar days, both ends included', async () => {
    const { db } = database;
    const clerk = { staffId: null, email: 'clerk@example.jp' };
    // 23:59:59 on 1 June in Tokyo, then midnight of 2 June, then 3 June.
    const lastOfFirst = new Date('2026-06-01T14:59:59Z');
    const firstOfSecond = new Date('2026-06-01T15:00:00Z');
    const third = new Date('2026-06-03T01:00:00Z');
    await audit(db, clerk, { action: 'account.search', details: { query: 'なよろ', found: 1 } }, lastOfFirst);
    await audit(db, clerk, { action: 'account.view', targetKind: 'customer', targetId: 3 }, firstOfSecond);
    await audit(db, commandLine, { action: 'staff.disable', targetKind: 'staff', targetId: 2, reason: '退職' }, third);
    const actions = async (filter: Parameters<typeof readAuditLog>[1]) => (await readAuditLog(db, filter)).map((entry) => entry.action);

    expect(await actions({ actor: 'clerk@example.jp' })).toEqual(['account.view', 'account.search']);
    expect(await actions({ action: 'staff.disable' })).toEqual(['staff.disable']);
    expect(await actions({ from: '2026-06-02', to: '2026-06-02' })).toEqual(['account.view']);
    expect(await actions({ to: '2026-06-01', actor: 'clerk@example.jp' })).toEqual(['account.search']);
    expect(await actions({ from: '2026-06-02' })).toEqual(['staff.disable', 'account.view']);
    expect(await actions({ actor: 'clerk@example.jp', action: 'staff.disable' })).toEqual([]);
  });
});
