import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { customerWithDevices, deliveringServerEnv, pushDeliveries, queuePushNotices, waitFor } from './support/fault-setup.js';
import { freshDataDir, startServer, stopServer } from './support/server-process.js';

const DEVICES = 10;
/**
 * 450 deliveries: one claim (500) holds them all, and more than the worker keeps in flight (200),
 * so the kill finds the first 200 answered and recorded in part, the rest not sent.
 */
const NOTICES = 45;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/**
 * What the notices worker guarantees (server/jobs/notice-worker.ts): a claim leases its rows
 * and, while the batch is still sending, records the outcomes 50 at a time. A process killed
 * mid-batch leaves pushes that went out but are not recorded yet; once the lease runs out another
 * claim sends them again. So: no delivery is lost; one recorded before the kill is never sent
 * again; one sent twice had gone out after the last record; none goes three times.
 */
describe('kill -9 of the server while it delivers notices (PostgreSQL)', () => {
  it('loses no delivery once the lease runs out, and sends again only what went out after the last record', async () => {
    // A slow push service: the batch is well under way, part of it recorded, when the kill comes.
    const { url, db, push, customerId, faucetNo } = await customerWithDevices(cleanups, DEVICES, { answerDelayMs: 300 });
    await queuePushNotices(db, customerId, faucetNo, 1901, NOTICES);
    const total = DEVICES * NOTICES;

    const env = { DATA_DIR: freshDataDir(), DATABASE_URL: url, ...deliveringServerEnv(push) };
    const first = await startServer(env);
    cleanups.push(() => stopServer(first));
    await waitFor("the batch's first outcomes recorded", async () => (await pushDeliveries(db, push.received)).some((row) => row.state === 'sent'), 15_000);
    first.child.kill('SIGKILL');
    await first.exited;
    const deliveryKey = (endpoint: string, tag: string) => `${endpoint} ${tag}`;
    const atKill = new Set(push.received.map((received) => deliveryKey(received.endpoint, (received.payload as { notification: { tag: string } }).notification.tag)));
    expect(atKill.size).toBe(push.received.length);
    expect(atKill.size).toBeLessThan(total);
    const afterKill = await pushDeliveries(db, push.received);
    const recorded = afterKill.filter((row) => row.state === 'sent');
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.every((row) => row.arrived === 1)).toBe(true);

    // The dead process's lease holds: a new one sends nothing of that batch before it runs out.
    // Its worker says at debug level when a pass found nothing to send: that pass saw the leased rows.
    const second = await startServer({ ...env, LOG_LEVEL: 'debug' });
    cleanups.push(() => stopServer(second));
    await waitFor("the new process's worker to find nothing to send", () => second.output().includes('"msg":"notices idle"'), 15_000);
    expect(push.received).toHaveLength(atKill.size);
    const leased = await pushDeliveries(db, push.received);
    expect(leased.filter((row) => row.state === 'pending')).toHaveLength(total - recorded.length);

    // The lease (five minutes) runs out: moved into the past instead of waiting for it.
    await db.execute(sql`update notice_deliveries set lease_until = now() - interval '1 second' where state = 'pending'`);
    await waitFor('every delivery sent', async () => (await pushDeliveries(db, push.received)).every((row) => row.state === 'sent'), 15_000);

    const deliveries = await pushDeliveries(db, push.received);
    expect(deliveries).toHaveLength(total);
    // None lost; none three times; sent twice exactly those that had gone out before the kill and were not recorded.
    expect(deliveries.filter((row) => row.arrived === 0)).toEqual([]);
    expect(Math.max(...deliveries.map((row) => row.arrived))).toBeLessThanOrEqual(2);
    const recordedKeys = new Set(recorded.map((row) => deliveryKey(row.endpoint, `notice-${row.noticeId}`)));
    const twice = deliveries.filter((row) => row.arrived === 2).map((row) => deliveryKey(row.endpoint, `notice-${row.noticeId}`));
    expect(twice.toSorted()).toEqual([...atKill].filter((key) => !recordedKeys.has(key)).toSorted());
    expect(push.received).toHaveLength(total + twice.length);
    const recordedIds = new Set(recorded.map((row) => row.id));
    expect(deliveries.every((row) => row.attempts === (recordedIds.has(row.id) ? 1 : 2))).toBe(true);
  }, 60_000);
});
