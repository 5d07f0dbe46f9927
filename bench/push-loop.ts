import type { Agent } from 'node:https';
import { sql } from 'drizzle-orm';
import webpush, { type RequestOptions } from 'web-push';
import { loadConfig } from '../server/config.js';
import { openDatabase, type Database, type DatabaseHandle } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import type { PushServiceHost } from '../server/push/push-endpoint.js';
import { pushAgent } from '../server/push/send.js';
import { pushServiceCertificate, startPushService, type PushService, type PushSubscriptionJson } from '../tests/integration/support/push-service.js';
import { progress } from './results.js';
import { demoUtility } from '../tests/integration/support/import-files.js';

/** Longer than any phase: neither sender comes back to connections the push service has closed (Node's default is 5 s). */
const PUSH_SERVICE_IDLE_MS = 10 * 60_000;

export interface PushBench {
  push: PushService;
  /** PUSH_SERVICE_HOSTS as the worker's configuration needs it to send to the local push service. */
  env: { PUSH_SERVICE_HOSTS: string };
  database: DatabaseHandle;
  /** The bare loop's agent and the worker's, alike. */
  raw: CountedAgent;
  worker: CountedAgent;
  close(): Promise<void>;
}

/** What a push bench stands on: the local push service, a migrated scratch database, two counted agents; close() ends them all. */
export async function openPushBench(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<PushBench> {
  const push = await startPushService({ idleTimeoutMs: PUSH_SERVICE_IDLE_MS });
  const target = await scratch();
  const database = await openDatabase({ databaseUrl: target.url, utility: demoUtility });
  const env = { PUSH_SERVICE_HOSTS: push.hostEntry };
  const { pushServiceHosts } = loadConfig(env);
  const raw = countedPushAgent(pushServiceHosts);
  const worker = countedPushAgent(pushServiceHosts);
  const bench = {
    push,
    env,
    database,
    raw,
    worker,
    async close() {
      raw.agent.destroy();
      worker.agent.destroy();
      await database.close();
      await target.drop();
      await push.stop();
    }
  };
  await migrate(database.db).catch(async (error: unknown) => {
    await bench.close();
    throw error;
  });
  return bench;
}


/**
 * The baseline the notices worker's push figures stand against: bare web-push calls to the
 * same push service, `concurrency` lanes each sending its next message as soon as the last is
 * answered, as the worker's lanes do; no database, no payload building, no bookkeeping.
 */
export async function bareWebPushLoop(devices: PushSubscriptionJson[], payload: string, options: RequestOptions, concurrency: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < devices.length) await webpush.sendNotification(devices[next++]!, payload, options);
    })
  );
}

export interface CountedAgent {
  agent: Agent;
  /** TLS connections opened so far: each is a handshake both ends of this process pay for. */
  readonly opened: number;
}

/** An agent as the worker's (pushAgent), trusting the local push service, that counts the connections it opens. */
export function countedPushAgent(hosts: readonly PushServiceHost[]): CountedAgent {
  const agent = pushAgent({ hosts, ca: pushServiceCertificate });
  let opened = 0;
  const open = agent.createConnection.bind(agent);
  agent.createConnection = ((...args: Parameters<typeof open>) => ((opened += 1), open(...args))) as typeof open;
  return {
    agent,
    get opened() {
      return opened;
    }
  };
}

export interface Phase {
  ms: number;
  /** CPU time of this process (both ends of every push, and the worker's own work; not PostgreSQL's). */
  cpuMs: number;
  /** Connections the agent opened during the phase. */
  opened: number;
}

/** Runs one timed phase and says what it cost. */
export async function measure(counted: CountedAgent, run: () => Promise<unknown>): Promise<Phase> {
  const opened = counted.opened;
  const cpu = process.cpuUsage();
  const started = performance.now();
  await run();
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000, opened: counted.opened - opened };
}

export const describePhase = (phase: Phase) => `${Math.round(phase.ms)} ms, CPU ${Math.round(phase.cpuMs)} ms, ${phase.opened} connections opened`;

/** Resolves with performance.now() when the push service has taken `count` messages more than it had at `from`, reporting as they come. */
export function arrivals(push: PushService, count: number, from = push.received.length): Promise<number> {
  let lastReport = performance.now();
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const arrived = push.received.length - from;
      if (arrived >= count) {
        clearInterval(timer);
        resolve(performance.now());
      } else if (performance.now() - lastReport >= 5000) {
        lastReport = performance.now();
        progress(`  ${arrived.toLocaleString('en')} of ${count.toLocaleString('en')} pushes arrived`);
      }
    }, 5);
  });
}

/**
 * Subscribes each device for the customer with its e-mail, each in a session of its own, as a
 * phone that turned push on has (a subscription ends with its session). The sessions' token
 * hashes are made up: nobody signs in with them.
 */
export async function storeDevices(db: Database, devices: { email: string; endpoint: string; p256dh: string; auth: string }[]): Promise<void> {
  const rows = sql`jsonb_to_recordset(${JSON.stringify(devices)}::jsonb) as d(email text, endpoint text, p256dh text, auth text) join customers using (email)`;
  const hash = sql`encode(sha256(convert_to(d.endpoint, 'UTF8')), 'hex')`;
  await db.execute(sql`insert into sessions (token_hash, customer_id, created_at, expires_at) select ${hash}, customers.id, now(), now() + interval '30 days' from ${rows}`);
  await db.execute(sql`insert into push_subscriptions (customer_id, session_token_hash, endpoint, p256dh, auth, created_at)
    select customers.id, ${hash}, d.endpoint, d.p256dh, d.auth, now() from ${rows}`);
}
