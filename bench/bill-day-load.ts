import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { verify } from '@node-rs/argon2';
import { demoProfilePath } from '../server/config.js';
import { benchPort } from './served-app.js';
import { openDatabase, selectRows, type Database } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { hashPassword } from '../server/features/auth/passwords.js';
import { importFiles } from '../server/features/imports/service.js';
import { createSession, sessionCookieName } from '../server/sessions/sessions.js';
import { billLine, customerLine, demoUtility, headers, importRules, noticeRules, readingLine, writeCsv } from '../tests/integration/support/import-files.js';
import { pushServiceCertificate, startPushService, type PushService } from '../tests/integration/support/push-service.js';
import { freshDataDir, startServer, stopServer } from '../tests/integration/support/server-process.js';
import type { CustomersReport, DevicesReport, Message, Plan, Stats } from './bill-day-child.js';
import { arrivals, storeDevices } from './push-loop.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

/** A city: 10,000 faucets, each held by a member with one phone subscribed to bill pushes. */
const FAUCETS = 10_000;
/** Faucets with two years of readings and bills: the customers and devices below use these. */
const HISTORY_FAUCETS = 2_000;
const HISTORY_PERIODS = Array.from({ length: 24 }, (_, index) => {
  const month = 10 + index; // 2024-11 … 2026-10
  return `${2024 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
});
const BILL_DAY_PERIOD = '2026-11';
const CUSTOMERS = 500;
const RAMP_SECONDS = 60;
const WINDOW_SECONDS = 60;
const THINK_MS: [number, number] = [1000, 3000];
const HEALTHZ_SECONDS = 15;
const DEVICES = 2_000;
const DEVICE_INTERVAL_MS = 10_000;
const SPIKE_BEFORE_SECONDS = 10;
const PASSWORD = 'bill-day password 2026';
/** BENCH_PORT, as the browser benches take it (4473 by default); known before the server starts, as ORIGIN names it. */
const PORT = benchPort(4473);
const ORIGIN = `http://127.0.0.1:${PORT}`;

const faucetNo = (index: number) => String(20_000_000 + index);
const email = (index: number) => `${faucetNo(index)}@example.jp`;
/** A phone's own address, as the reverse proxy would put it in X-Forwarded-For. */
const address = (index: number) => `10.0.${Math.floor(index / 250)}.${(index % 250) + 1}`;

/** The driver process: one plan in, one report out, over IPC. */
export function driver<R>(plan: Plan) {
  const child = fork('bench/bill-day-child.ts', [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let ready: () => void = () => {};
  const readyNow = new Promise<void>((resolve) => (ready = resolve));
  const report = new Promise<R>((resolve, reject) => {
    child.on('message', (message: { ready?: true; report?: R }) => {
      if (message.ready) ready();
      if (message.report) resolve(message.report);
    });
    child.on('exit', (code) => (code === 0 ? undefined : reject(new Error(`bill-day-child exited ${code}`))));
  });
  const send = (message: Message) => child.send(message);
  send({ plan });
  return { report, ready: readyNow, send };
}

/** CPU ms a process has used so far, from /proc (the server runs in a child: its own clock is out of reach). */
function cpuMsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

const ms = (value: number, baseline: number, n: number): Figure => ({ value: round(value), unit: 'ms', baseline: round(baseline), n });
const describe = (stats: Stats) => `${stats.n} requests, p50 ${stats.p50} ms, p99 ${stats.p99} ms, max ${stats.max} ms, ${stats.errors} errors`;

type Scratch = { url: string; drop(): Promise<void> };
const importOptions = { rules: importRules, notices: noticeRules, ranBy: 'bench' };
const indexes = Array.from({ length: FAUCETS }, (_, index) => index);

/**
 * The city, untimed: 10,000 faucets (2,000 with 24 months of readings and bills), each held by a
 * member with one phone subscribed to bill pushes; the first 500 members have 5 unread notices.
 * Answers the password hash every member shares.
 */
async function city(db: Database, push: PushService): Promise<string> {
  const history = indexes.slice(0, HISTORY_FAUCETS);
  progress(`load: a city of ${FAUCETS.toLocaleString('en')} faucets, ${HISTORY_FAUCETS.toLocaleString('en')} of them with 24 months of readings and bills (untimed)`);
  const imported = await importFiles(
    { db, now: new Date() },
    [
      { kind: 'customers', path: writeCsv([headers.customers, ...indexes.map((index) => customerLine(faucetNo(index), '2020-04-01'))]) },
      { kind: 'readings', path: writeCsv([headers.readings, ...history.flatMap((index) => HISTORY_PERIODS.map((period, month) => readingLine(faucetNo(index), period, 15 + ((index + month) % 20))))]) },
      { kind: 'bills', path: writeCsv([headers.bills, ...history.flatMap((index) => HISTORY_PERIODS.map((period) => billLine(faucetNo(index), period, 6000 + (index % 50) * 20)))]) }
    ],
    { ...importOptions, onProgress: (kind, rows) => progress(`  importing ${kind}: ${rows.toLocaleString('en')} rows`) }
  );
  if (imported.status !== 'imported') throw new Error(`the city's files did not import (${imported.status})`);

  progress(`load: ${FAUCETS.toLocaleString('en')} members, each with one faucet and one phone subscribed to bill pushes; 5 unread notices for each of the ${CUSTOMERS} customers`);
  // Every member's password is the same, hashed once: each log-in still runs the full argon2 check.
  const passwordHash = await hashPassword(PASSWORD);
  await db.execute(sql`insert into customers (email, nickname, password_hash, created_at)
    select faucet_no || '@example.jp', 'bench', ${passwordHash}, now() from faucets`);
  await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at)
    select customers.id, c.id, now() from contracts c join faucets f on f.id = c.faucet_id join customers on customers.email = f.faucet_no || '@example.jp'`);
  const phones = indexes.map(() => push.subscribe());
  await storeDevices(db, phones.map((phone, index) => ({ email: email(index), endpoint: phone.endpoint, ...phone.keys })));
  await db.execute(sql`insert into notice_preferences (customer_id, topic, push, email) select id, 'bill', true, false from customers`);
  await db.execute(sql`insert into notices (customer_id, faucet_id, topic, period, facts, created_at)
    select customers.id, f.id, 'bill', p.period,
      jsonb_build_object('topic', 'bill', 'faucetNo', f.faucet_no, 'period', p.period, 'total', 6380, 'dueDate', p.period || '-28', 'transferDate', p.period || '-26', 'corrected', false),
      now() - interval '1 day'
    from customers join faucets f on customers.email = f.faucet_no || '@example.jp'
      cross join unnest(string_to_array(${HISTORY_PERIODS.slice(-5).join(',')}, ',')) as p(period)
    where f.faucet_no < ${faucetNo(CUSTOMERS)}`);
  await db.execute(sql`analyze`);
  return passwordHash;
}

/** The app as `npm start` runs it, behind one (simulated) reverse proxy, trusting the local push service. */
function startApp(databaseUrl: string, push: PushService) {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bench-load-'));
  const profile = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as { quietHours: unknown };
  // Quiet hours off: the figures must not depend on the hour the bench runs.
  writeFileSync(path.join(dir, 'profile.json'), JSON.stringify({ ...profile, quietHours: { start: '00:00', end: '00:00' } }));
  // The server trusts the local push service's certificate the way any Node process can be told to.
  writeFileSync(path.join(dir, 'push-ca.pem'), pushServiceCertificate);
  progress(`load: starting the app (server/main.ts) on ${ORIGIN}, TRUST_PROXY=1`);
  return startServer({
    DATABASE_URL: databaseUrl,
    PORT: String(PORT),
    ORIGIN,
    TRUST_PROXY: '1',
    DATA_DIR: freshDataDir(),
    UTILITY_CONFIG: path.join(dir, 'profile.json'),
    NODE_EXTRA_CA_CERTS: path.join(dir, 'push-ca.pem'),
    PUSH_SERVICE_HOSTS: push.hostEntry
  });
}

/** The password check alone, 20 times in this process: the floor under a log-in. */
async function argon2VerifyP50(passwordHash: string): Promise<number> {
  const times: number[] = [];
  for (let check = 0; check < 20; check += 1) {
    const started = performance.now();
    await verify(passwordHash, PASSWORD);
    times.push(performance.now() - started);
  }
  return times.sort((a, b) => a - b)[10]!;
}

/** The healthz floor, then 500 customers: log-ins over the ramp, then the measured window. */
async function customersLoad(db: Database, baseUrl: string, serverPid: number, argon2P50: number): Promise<Record<string, Figure>> {
  const customers = Array.from({ length: CUSTOMERS }, (_, index) => ({ email: email(index), password: PASSWORD, address: address(index) }));
  progress(`load: healthz floor: ${CUSTOMERS} phones, think ${THINK_MS.join('–')} ms, GET /healthz for ${HEALTHZ_SECONDS} s`);
  const floor = await driver<CustomersReport>({ kind: 'healthz', baseUrl, origin: ORIGIN, customers, rampSeconds: 2, windowSeconds: HEALTHZ_SECONDS, thinkMs: THINK_MS }).report;
  progress(`  healthz: ${describe(floor.overall)}`);

  progress(`load: ${CUSTOMERS} customers log in over ${RAMP_SECONDS} s; ${WINDOW_SECONDS} s measured once all are in; think ${THINK_MS.join('–')} ms`);
  const serverCpu = cpuMsOf(serverPid);
  const started = performance.now();
  const ticker = setInterval(() => progress(`  ${Math.round((performance.now() - started) / 1000)} s`), 15_000);
  const load = await driver<CustomersReport>({ kind: 'customers', baseUrl, origin: ORIGIN, customers, rampSeconds: RAMP_SECONDS, windowSeconds: WINDOW_SECONDS, thinkMs: THINK_MS }).report.finally(() =>
    clearInterval(ticker)
  );
  const runMs = performance.now() - started;
  const serverCpuPct = ((cpuMsOf(serverPid) - serverCpu) / runMs) * 100;
  const driverCpuPct = (load.cpuMs / runMs) * 100;
  progress(`  log-in: ${describe(load.login)} (argon2 alone: p50 ${round(argon2P50)} ms); the last answered after ${round(load.rampSeconds)} s`);
  for (const [kind, stats] of Object.entries(load.window)) progress(`  ${kind}: ${describe(stats)}`);
  progress(`  first pulls, ramp and window: ${describe(load.firstPull)}`);
  progress(`  every request, log-ins included, ramp and window: ${describe(load.all)}`);
  progress(`  all but log-in in the window: ${describe(load.overall)}`);
  progress(`  all but log-in during the ramp: ${describe(load.ramp)}`);
  progress(`  CPU: server ${round(serverCpuPct)} % of a core, driver ${round(driverCpuPct)} %`);
  for (const sample of load.errorSamples) progress(`  error: ${sample}`);
  const [filed] = await selectRows<{ rows: number; distinct: number }>(db, sql`select count(*)::int as "rows", count(distinct client_id)::int as "distinct" from procedures`);
  if (filed!.rows !== load.filings.length || filed!.distinct !== load.filings.length) {
    throw new Error(`${load.filings.length} filings sent, ${filed!.rows} kept (${filed!.distinct} distinct)`);
  }

  const kinds: [string, Stats | undefined][] = [
    ['pull', load.window.pull],
    ['mark_read', load.window['mark-read']],
    ['file', load.window.file],
    ['first_pull', load.firstPull]
  ];
  const perKind = Object.fromEntries(
    kinds.flatMap(([key, stats = { n: 0, errors: 0, p50: 0, p99: 0, max: 0 }]) => [
      [`load_${key}_p50_ms`, { value: stats.p50, unit: 'ms', n: stats.n }],
      [`load_${key}_p99_ms`, { value: stats.p99, unit: 'ms', n: stats.n }]
    ])
  ) as Record<string, Figure>;
  return {
    load_rps: againstBaseline(load.overall.n / WINDOW_SECONDS, 'requests/s', floor.overall.n / HEALTHZ_SECONDS, load.overall.n),
    load_all_p50_ms: ms(load.all.p50, floor.overall.p50, load.all.n),
    load_all_p99_ms: ms(load.all.p99, floor.overall.p99, load.all.n),
    load_p50_ms: ms(load.overall.p50, floor.overall.p50, load.overall.n),
    load_p99_ms: ms(load.overall.p99, floor.overall.p99, load.overall.n),
    load_errors: {
      value: load.all.errors,
      unit: 'errors',
      baseline: floor.all.errors,
      n: load.all.n
    },
    load_login_p50_ms: againstBaseline(load.login.p50, 'ms', argon2P50, load.login.n),
    load_login_p99_ms: ms(load.login.p99, argon2P50, load.login.n),
    load_ramp_p99_ms: ms(load.ramp.p99, floor.overall.p99, load.ramp.n),
    load_ramp_s: { value: round(load.rampSeconds), unit: 's', baseline: RAMP_SECONDS, n: load.login.n },
    ...perKind,
    load_server_cpu_pct: { value: round(serverCpuPct), unit: '% of a core' },
    load_driver_cpu_pct: { value: round(driverCpuPct), unit: '% of a core' }
  };
}

/** 2,000 devices pulling; 10 s of that alone, then a bills import whose notices go to 10,000 phones. */
async function spike(db: Database, baseUrl: string, push: PushService): Promise<Record<string, Figure>> {
  progress(`spike: ${DEVICES.toLocaleString('en')} signed-in devices pulling every ${DEVICE_INTERVAL_MS / 1000} s; ${SPIKE_BEFORE_SECONDS} s without the spike`);
  const deviceIds = await selectRows<{ id: number }>(db, sql`select id from customers order by email limit ${DEVICES}`);
  const cookieName = sessionCookieName(ORIGIN);
  const devices = await Promise.all(
    deviceIds.map(async ({ id }, index) => ({ cookie: `${cookieName}=${await createSession(db, id, new Date())}`, address: address(CUSTOMERS + index) }))
  );
  const pulling = driver<DevicesReport>({ kind: 'devices', baseUrl, devices, intervalMs: DEVICE_INTERVAL_MS });
  await pulling.ready;
  await new Promise((resolve) => setTimeout(resolve, SPIKE_BEFORE_SECONDS * 1000));

  progress(`spike: a bills import of ${FAUCETS.toLocaleString('en')} faucets; the app's notices worker pushes to ${FAUCETS.toLocaleString('en')} phones`);
  const before = push.received.length;
  const last = arrivals(push, FAUCETS, before);
  const first = arrivals(push, 1, before);
  pulling.send({ mark: 'spike' });
  const importStarted = performance.now();
  const bills = await importFiles(
    { db, now: new Date() },
    [{ kind: 'bills', path: writeCsv([headers.bills, ...indexes.map((index) => billLine(faucetNo(index), BILL_DAY_PERIOD, 6000 + (index % 50) * 20))]) }],
    importOptions
  );
  const committedAt = performance.now();
  if (bills.status !== 'imported') throw new Error(`bills import ${bills.status}`);
  progress(`  import committed after ${Math.round(committedAt - importStarted)} ms`);
  const [firstAt, lastAt] = await Promise.all([first, last]);
  pulling.send({ stop: true });
  const pulls = await pulling.report;
  const pushed = new Set(push.received.slice(before).map((received) => received.endpoint));
  if (pushed.size !== FAUCETS || push.refused.length > 0) throw new Error(`${pushed.size} of ${FAUCETS} phones got a push; ${push.refused.length} refused`);
  const drainSeconds = (lastAt - committedAt) / 1000;
  const deliveriesPerSecond = FAUCETS / ((lastAt - firstAt) / 1000);
  progress(`  pulls before: ${describe(pulls.before)}`);
  progress(`  pulls during: ${describe(pulls.spike)}`);
  progress(`  first push ${Math.round(firstAt - committedAt)} ms after the commit, last ${round(drainSeconds, 2)} s after: ${Math.round(deliveriesPerSecond)} deliveries/s`);
  for (const sample of pulls.errorSamples) progress(`  error: ${sample}`);
  return {
    spike_pull_p50_ms: ms(pulls.spike.p50, pulls.before.p50, pulls.spike.n),
    spike_pull_p99_ms: ms(pulls.spike.p99, pulls.before.p99, pulls.spike.n),
    spike_pull_errors: { value: pulls.spike.errors, unit: 'errors', baseline: pulls.before.errors, n: pulls.spike.n },
    spike_deliveries_per_s: { value: round(deliveriesPerSecond), unit: 'deliveries/s', n: FAUCETS },
    spike_drain_s: { value: round(drainSeconds, 2), unit: 's', n: FAUCETS },
    spike_import_s: { value: round((committedAt - importStarted) / 1000, 2), unit: 's', n: FAUCETS }
  };
}

/**
 * The bill-day load: one app process (server/main.ts, as `npm start` runs it) on PostgreSQL,
 * 500 customers from a separate driver process, then the bills import's notices pushed to
 * 10,000 phones while 2,000 devices pull. bench/README.md says what each figure is.
 */
export async function benchBillDayLoad(scratch: () => Promise<Scratch>): Promise<Record<string, Figure>> {
  const push = await startPushService({ idleTimeoutMs: 10 * 60_000 });
  const target = await scratch();
  const database = await openDatabase({ databaseUrl: target.url, utility: demoUtility });
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    await migrate(database.db);
    const passwordHash = await city(database.db, push);
    const argon2P50 = await argon2VerifyP50(passwordHash);
    server = await startApp(target.url, push);
    const load = await customersLoad(database.db, server.baseUrl, server.child.pid!, argon2P50);
    return { ...load, ...(await spike(database.db, server.baseUrl, push)) };
  } finally {
    if (server) await stopServer(server);
    await database.close();
    await target.drop();
    await push.stop();
  }
}
