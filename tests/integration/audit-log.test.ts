import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { errorKind } from '../../server/db/errors.js';
import { audit, commandLine, readAuditLog } from '../../server/features/audit/service.js';
import { driverName, useMigratedDatabase } from './support/database.js';

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
});
