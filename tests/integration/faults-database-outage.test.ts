import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase, selectRows } from '../../server/db/client.js';
import { startNoticeWorker } from '../../server/jobs/notice-worker.js';
import { createLogger } from '../../server/log/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { pushAgent } from '../../server/push/send.js';
import { isDatabaseUnreachable } from '../../server/db/errors.js';
import { createSession } from '../../server/sessions/sessions.js';
import { createClient, outcomeOf } from './support/app.js';
import { pushServiceCertificate } from './support/push-service.js';
import { customerWithDevices, deliveringServerEnv, pushDeliveries, queuePushNotices, waitFor } from './support/fault-setup.js';
import { freshDataDir, startServer, stopServer } from './support/server-process.js';
import { createScratchPostgres, faultPostgresUrl } from './support/database.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { demoUtility } from './support/import-files.js';

const ORIGIN = 'http://localhost:3000';
/** connect_timeout (server/db/client.ts) is 5 s: no answer may wait much longer than that. */
const ANSWER_BOUND_MS = 6_500;

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

type Phase = 'before' | 'down' | 'after';
interface Answer {
  /** The phase the request was sent in, and the one its answer came in. */
  phase: Phase;
  answeredIn: Phase;
  what: 'pull' | 'file' | 'healthz';
  status: number;
  ms: number;
  retryAfter?: string | null;
  reason?: { ja: string; en: string };
}

describe('the database goes away under load and comes back (PostgreSQL through a proxy that drops and refuses connections)', () => {
  it('answers clean 503s while it is away, 200 again without a restart, and loses or doubles no filing and no delivery', async () => {
    const { url, db, push, customerId, faucetNo } = await customerWithDevices(cleanups, 2);
    const [link] = await selectRows<{ id: number }>(db, sql`select id from faucet_links where customer_id = ${customerId}`);
    const token = await createSession(db, customerId, new Date());

    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const server = await startServer({ DATA_DIR: freshDataDir(), DATABASE_URL: proxy.urlFor(url), ORIGIN, ...deliveringServerEnv(push) });
    cleanups.push(() => stopServer(server));
    const pid = server.child.pid;

    const client = createClient(server.baseUrl, ORIGIN);
    client.cookies.set('session', token);
    const pullUrl = `${server.baseUrl}/api/trpc/sync.pull?input=${encodeURIComponent(JSON.stringify({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }))}`;

    // Deliveries queued before the outage go out before it.
    const noticesBefore = await queuePushNotices(db, customerId, faucetNo, 1901, 5);
    await waitFor('the first pushes', () => push.received.length === 2 * noticesBefore.length, 10_000);

    const answers: Answer[] = [];
    let phase: Phase = 'before';
    const timed = async (what: Answer['what'], call: () => Promise<Omit<Answer, 'phase' | 'answeredIn' | 'what' | 'ms'>>) => {
      const started = performance.now();
      const sentIn = phase;
      // No answer at all (the process died, say) is status 0: a failure the assertions below name.
      const answer = await call().catch(() => ({ status: 0 }));
      answers.push({ phase: sentIn, answeredIn: phase, what, ms: performance.now() - started, ...answer });
    };
    /** Answers sent and answered within one phase: those under way at a switch may go either way. */
    const within = (wanted: Phase) => answers.filter((answer) => answer.phase === wanted && answer.answeredIn === wanted);
    /** Every filing's client id, and whether the server has acknowledged it yet. */
    const filings = new Map<string, boolean>();
    const file = (clientId: string) =>
      timed('file', async () => {
        const outcome = await outcomeOf(client.api.procedures.file.mutate({ clientId, linkId: link!.id, kind: 'paper-slip', fields: {} }));
        if (outcome.code === 'OK') filings.set(clientId, true);
        return { status: outcome.status ?? 0, reason: outcome.reason };
      });

    // A steady mix, as devices and a load balancer's probe send it, until told to stop.
    let loading = true;
    const load = (async () => {
      while (loading) {
        const calls = [
          timed('pull', async () => {
            const response = await fetch(pullUrl, { headers: { Cookie: `session=${token}` } });
            const body = (await response.json()) as { error?: { data?: { reason?: Answer['reason'] } } };
            return { status: response.status, retryAfter: response.headers.get('retry-after'), reason: body.error?.data?.reason };
          }),
          timed('healthz', async () => ({ status: (await fetch(`${server.baseUrl}/healthz`)).status }))
        ];
        // Well under the 20 filings a day a customer may make.
        if (filings.size < 15) {
          const clientId = randomUUID();
          filings.set(clientId, false);
          calls.push(file(clientId));
        }
        await Promise.all(calls);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    })();
    // A failed assertion must not leave the load running against a stopped server.
    cleanups.push(async () => {
      loading = false;
      await load.catch(() => {});
    });

    await waitFor('three rounds of answers before the outage', () => within('before').length >= 9, 10_000);
    phase = 'down';
    const logBeforeOutage = server.output().length;
    await proxy.stop();
    // Notices made while the portal cannot reach its database (by an import on another host).
    const noticesDuring = await queuePushNotices(db, customerId, faucetNo, 1951, 5);
    // Away until the API has refused more than ten requests and the notices worker has failed a pass (every 3 s).
    await waitFor(
      'the outage felt by the API and the worker',
      () => within('down').filter((answer) => answer.what !== 'healthz').length > 10 && server.output().slice(logBeforeOutage).includes('"msg":"notice delivery failed"'),
      15_000
    );
    await proxy.start();
    phase = 'after';
    await waitFor('a healthy answer', () => answers.some((answer) => answer.phase === 'after' && answer.what === 'healthz' && answer.status === 200), 10_000);
    const firstHealthy = answers.findIndex((answer) => answer.phase === 'after' && answer.what === 'healthz' && answer.status === 200);
    // Past the rest of its round, at least two whole rounds sent after it: the six answers checked below.
    await waitFor('rounds sent after the first healthy answer', () => answers.length - firstHealthy > 9, 10_000);
    loading = false;
    await load;

    // The outbox resends every filing the server did not acknowledge, with its own id.
    for (const [clientId, acknowledged] of filings) if (!acknowledged) await file(clientId);

    const downAnswers = within('down');
    const downApi = downAnswers.filter((answer) => answer.what !== 'healthz');
    expect(within('before').map((answer) => answer.status)).toEqual(within('before').map(() => 200));
    expect(downApi.length).toBeGreaterThan(10);
    // Down: nothing but 503s, each saying why in both languages; under way at a switch: 200 or 503, never a 500.
    expect(downApi.map((answer) => answer.status)).toEqual(downApi.map(() => 503));
    expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
    const unavailable = answers.filter((answer) => answer.status === 503 && answer.what !== 'healthz');
    for (const answer of unavailable) {
      expect(answer.reason?.ja).toMatch(/^一時的に/);
      expect(answer.reason?.en).toMatch(/^Temporarily unavailable/);
    }
    // Filings were refused during the outage, and sent again after it (above).
    expect(unavailable.filter((answer) => answer.what === 'file').length).toBeGreaterThan(0);
    expect(unavailable.filter((answer) => answer.what === 'pull').every((answer) => answer.retryAfter === '5')).toBe(true);
    expect(downAnswers.filter((answer) => answer.what === 'healthz').every((answer) => answer.status === 503)).toBe(true);
    expect(Math.max(...answers.map((answer) => answer.ms))).toBeLessThan(ANSWER_BOUND_MS);
    // Back: the same process answers 200 to everything, without a restart.
    const lastSecond = within('after').slice(-6);
    expect(lastSecond.map((answer) => answer.status)).toEqual(lastSecond.map(() => 200));
    expect(server.child.exitCode).toBeNull();
    expect(server.child.pid).toBe(pid);

    // Every filing exactly once, with receipt numbers in a row: none lost, none doubled, no gap.
    const filed = await selectRows<{ clientId: string; receiptNo: string }>(
      db,
      sql`select client_id as "clientId", receipt_no as "receiptNo" from procedures order by receipt_no`
    );
    expect(filed.map((row) => row.clientId).toSorted()).toEqual([...filings.keys()].toSorted());
    expect(filed.map((row) => Number(row.receiptNo.slice(-6)))).toEqual(filed.map((_, index) => index + 1));

    // Every delivery, queued before or during the outage, reached its device exactly once.
    await waitFor('every push delivery sent', async () => (await pushDeliveries(db, push.received)).every((row) => row.state === 'sent'), 15_000);
    const deliveries = await pushDeliveries(db, push.received);
    expect(deliveries).toHaveLength(2 * (noticesBefore.length + noticesDuring.length));
    expect(deliveries.map((row) => row.arrived)).toEqual(deliveries.map(() => 1));
    expect(push.received).toHaveLength(deliveries.length);

    // The log tells what happened, by its kind, never with a statement's SQL or parameters.
    expect(server.output()).toMatch(/"code":"(ECONNREFUSED|CONNECTION_CLOSED|ECONNRESET)"[^\n]*"msg":"database unreachable"/);
    expect(server.output()).not.toMatch(/Failed query|insert into|select /i);
  }, 60_000);

  it('a batch sent while the database went away is recorded once it is back, and not sent again', async () => {
    const { url, db, push, customerId, faucetNo } = await customerWithDevices(cleanups, 5, { answerDelayMs: 1_000 });
    const target = new URL(url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const database = await openDatabase({ databaseUrl: proxy.urlFor(url), utility: demoUtility });
    cleanups.push(() => database.close());
    const loaded = loadConfig({ DATA_DIR: freshDataDir(), PUSH_SERVICE_HOSTS: push.hostEntry });
    const config = { ...loaded, profile: { ...loaded.profile, quietHours: { start: '00:00', end: '00:00' } } };
    const logLines: string[] = [];
    const logger = createLogger('info', { write: (line: string) => void logLines.push(line) });
    const agent = pushAgent({ hosts: config.pushServiceHosts, ca: pushServiceCertificate });
    cleanups.push(async () => agent.destroy());
    await queuePushNotices(db, customerId, faucetNo, 1901, 4);

    // A lease far longer than the test: only recording the sends can settle these rows in time.
    const worker = startNoticeWorker({ db: database.db, config, logger, mailer: createMailer(config, logger), pushAgent: agent }, { batch: 500, concurrency: 50, leaseMs: 600_000, pollMs: 200 });
    cleanups.push(() => worker.stop());
    // The pushes are out (the push service holds its answers a second): the database goes away before they are recorded.
    await waitFor('the pushes to arrive', () => push.received.length === 20, 10_000);
    await proxy.stop();
    await waitFor("the batch's record to fail", () => logLines.some((line) => line.includes('"msg":"notice delivery failed"')), 10_000);
    await proxy.start();

    await waitFor('every push delivery recorded as sent', async () => (await pushDeliveries(db, push.received)).every((row) => row.state === 'sent'), 10_000);
    const deliveries = await pushDeliveries(db, push.received);
    expect(deliveries.map((row) => ({ arrived: row.arrived, attempts: row.attempts }))).toEqual(deliveries.map(() => ({ arrived: 1, attempts: 1 })));
    expect(push.received).toHaveLength(20);
  });

  it('a transaction whose connection drops fails as unreachable, and the process lives on (patches/postgres+3.4.9.patch)', async () => {
    const testDb = await createScratchPostgres(faultPostgresUrl);
    cleanups.push(() => testDb.drop());
    const target = new URL(testDb.url);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const database = await openDatabase({ databaseUrl: proxy.urlFor(testDb.url), utility: demoUtility });
    cleanups.push(() => database.close());

    // The driver rolls back on the dropped connection; unpatched, that write throws from an immediate and ends the process.
    const failed = database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_sleep(2)`);
    });
    setTimeout(() => void proxy.stop(), 300);
    const error = await failed.then(() => undefined, (reason: unknown) => reason);
    expect(isDatabaseUnreachable(error)).toBe(true);

    await proxy.start();
    // The same pool answers again (this scratch database has no schema for ping() to read).
    await waitFor('the database again', () => database.db.execute(sql`select 1`).then(() => true, () => false), 5_000);
  });
});
