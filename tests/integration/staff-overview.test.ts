import { describe, expect, it } from 'vitest';
import { contracts, customers, faucetLinks, faucets, noticeDeliveries, notices, paperSlipChanges } from '../../server/db/schema.js';
import { overview } from '../../server/features/overview/service.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { storeSubscription } from './support/notices.js';

const now = new Date('2026-06-10T03:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 24 * 3600_000);

describe(`the staff overview on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('counts members, linked and paperless faucets, push members and the last week’s deliveries', async () => {
    const { db } = database;
    const faucetIds = (await db.insert(faucets).values(['1', '2', '3', '4'].map((n) => ({ faucetNo: `1000000${n}` }))).returning({ id: faucets.id })).map((row) => row.id);
    const contractIds = (
      await db
        .insert(contracts)
        .values(faucetIds.map((faucetId, index) => ({ faucetId, holderName: `名寄 ${index}`, contractStart: '2020-04-01', contractEnd: index === 3 ? '2026-03-31' : null, paymentMethod: 'transfer' as const })))
        .returning({ id: contracts.id })
    ).map((row) => row.id);
    const [alice, bob] = await db
      .insert(customers)
      .values([
        { email: 'a@example.jp', nickname: 'a', passwordHash: 'x', createdAt: now },
        { email: 'b@example.jp', nickname: 'b', passwordHash: 'x', createdAt: now }
      ])
      .returning({ id: customers.id });
    await db.insert(faucetLinks).values([
      { customerId: alice!.id, contractId: contractIds[0]!, linkedAt: now },
      { customerId: bob!.id, contractId: contractIds[1]!, linkedAt: now }
    ]);
    await db.insert(paperSlipChanges).values([
      // Faucet 1 paperless; faucet 2 paperless, then paper again; faucet 3 paperless only from tomorrow.
      { faucetId: faucetIds[0]!, paperless: true, requestedAt: daysAgo(5), effectiveOn: '2026-06-08' },
      { faucetId: faucetIds[1]!, paperless: true, requestedAt: daysAgo(5), effectiveOn: '2026-06-08' },
      { faucetId: faucetIds[1]!, paperless: false, requestedAt: daysAgo(2), effectiveOn: '2026-06-09' },
      { faucetId: faucetIds[2]!, paperless: true, requestedAt: now, effectiveOn: '2026-06-11' }
    ]);
    const subscription = await storeSubscription(db, alice!.id, { endpoint: 'https://push.example/1', keys: { p256dh: 'k', auth: 'a' } }, now);
    const [notice] = await db
      .insert(notices)
      .values({ customerId: alice!.id, topic: 'procedure', facts: {}, createdAt: now })
      .returning({ id: notices.id });
    const delivery = (channel: 'push' | 'email', state: 'sent' | 'failed' | 'pending', createdAt: Date, subscriptionId: number | null = null) => ({
      noticeId: notice!.id,
      customerId: alice!.id,
      channel,
      subscriptionId,
      state,
      createdAt,
      dueAt: createdAt
    });
    await db.insert(noticeDeliveries).values(delivery('email', 'sent', daysAgo(1)));
    await db.insert(noticeDeliveries).values(delivery('push', 'failed', daysAgo(2), subscription));

    expect(await overview({ db, now })).toEqual({
      members: 2,
      linkedFaucets: 2,
      faucetsInContract: 3,
      paperlessFaucets: 1,
      pushMembers: 1,
      deliveries: [
        { channel: 'email', sent: 1, failed: 0, pending: 0 },
        { channel: 'push', sent: 0, failed: 1, pending: 0 }
      ]
    });
    // A week later the deliveries have left the window.
    expect((await overview({ db, now: new Date(now.getTime() + 8 * 24 * 3600_000) })).deliveries).toEqual([]);
  });
});
