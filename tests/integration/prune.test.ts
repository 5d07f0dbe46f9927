import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { clientChanges, customers, emailCodes, proofAttempts, rateEvents, sessions, staff, staffSessions } from '../../server/db/schema.js';
import { pruneExpired } from '../../server/jobs/prune.js';
import { driverName, useMigratedDatabase } from './support/database.js';

describe(`pruning on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('drops expired (and idle staff) sessions and old codes, rate events, proofs and change ids, and keeps the rest', async () => {
    const { db } = database;
    const now = new Date('2026-11-25T03:00:00Z');
    const ago = (hours: number) => new Date(now.getTime() - hours * 3600_000);
    const [customer] = await db
      .insert(customers)
      .values({ email: 'a@example.jp', nickname: 'a', passwordHash: 'x', createdAt: ago(100) })
      .returning();
    await db.insert(sessions).values([
      { tokenHash: 'expired', customerId: customer!.id, createdAt: ago(800), expiresAt: ago(1) },
      { tokenHash: 'live', customerId: customer!.id, createdAt: ago(2), expiresAt: ago(-700) }
    ]);
    await db.insert(emailCodes).values([
      { email: 'a@example.jp', purpose: 'signup', codeHash: 'old', createdAt: ago(25), expiresAt: ago(24) },
      { email: 'a@example.jp', purpose: 'signup', codeHash: 'new', createdAt: ago(1), expiresAt: ago(-1) }
    ]);
    await db.insert(rateEvents).values([
      { bucket: 'login:a', at: ago(25) },
      { bucket: 'login:a', at: ago(2) }
    ]);
    await db.insert(proofAttempts).values([
      { faucetNo: '1', clientKey: 'c', succeeded: false, attemptedAt: ago(24 * 8) },
      { faucetNo: '1', clientKey: 'c', succeeded: false, attemptedAt: ago(24 * 6) }
    ]);
    await db.insert(clientChanges).values([
      { customerId: customer!.id, clientId: '00000000-0000-4000-8000-000000000001', receivedAt: ago(24 * 31) },
      { customerId: customer!.id, clientId: '00000000-0000-4000-8000-000000000002', receivedAt: ago(24 * 29) }
    ]);

    const [member] = await db.insert(staff).values({ email: 's@city.example.jp', role: 'clerk', passwordHash: 'x', createdAt: ago(100) }).returning();
    await db.insert(staffSessions).values([
      { tokenHash: 'staff-expired', staffId: member!.id, createdAt: ago(9), lastSeenAt: ago(0), expiresAt: ago(1) },
      { tokenHash: 'staff-idle', staffId: member!.id, createdAt: ago(2), lastSeenAt: ago(1), expiresAt: ago(-6) },
      { tokenHash: 'staff-live', staffId: member!.id, createdAt: ago(2), lastSeenAt: ago(0.1), expiresAt: ago(-6) }
    ]);

    await pruneExpired(db, now);

    expect((await db.select().from(sessions)).map((row) => row.tokenHash)).toEqual(['live']);
    expect((await db.select().from(staffSessions)).map((row) => row.tokenHash)).toEqual(['staff-live']);
    expect((await db.select().from(emailCodes)).map((row) => row.codeHash)).toEqual(['new']);
    expect(await db.select({ count: sql<number>`count(*)::int` }).from(rateEvents)).toEqual([{ count: 1 }]);
    expect(await db.select({ count: sql<number>`count(*)::int` }).from(proofAttempts)).toEqual([{ count: 1 }]);
    expect((await db.select().from(clientChanges)).map((row) => row.clientId)).toEqual(['00000000-0000-4000-8000-000000000002']);
  });
});
