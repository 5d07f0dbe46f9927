import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { fillPlaceholders, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { SYNC_FORMAT } from '../src/lib/shared/sync-wire.js';
import type { Database } from '../server/db/client.js';
import { holdToUtility } from '../server/db/in-utility.js';
import * as schema from '../server/db/schema.js';
import { customers, faucetLinks } from '../server/db/schema.js';
import { createSession, sessionCookieName } from '../server/sessions/sessions.js';
import { importFiles } from '../server/features/imports/service.js';
import { windowsQuery } from '../server/features/sync/service.js';
import { startApp, type App } from '../tests/integration/support/app.js';
import { demoUtility, headers, importRules, noticeRules, writeCsv } from '../tests/integration/support/import-files.js';
import { runInChild } from './child.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

const FAUCETS = 20;
const MONTHS = 24;
const CLIENTS = 200;
const LOAD_SECONDS = 8;
const PACED_SECONDS = 6;
const ORIGIN = 'http://localhost:3000';

/** One company with 20 faucets × 24 months of readings, bills and payments, all linked to one account. */
async function companyAccount(app: App): Promise<{ customerId: number; token: string }> {
  const customerLines: string[] = [];
  const readingLines: string[] = [];
  const billLines: string[] = [];
  const paymentLines: string[] = [];
  for (let faucet = 0; faucet < FAUCETS; faucet += 1) {
    const faucetNo = String(80_000_000 + faucet);
    customerLines.push(`${faucetNo},株式会社 北都,,01654-2-8000,名寄市西${faucet}条南1丁目,株式会社 北都 経理課,096-0011,名寄市東1条南2丁目,2015-04-01,,transfer`);
    for (let month = 0; month < MONTHS; month += 1) {
      const period = `${2025 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
      const usage = 180 + ((faucet * 37 + month * 11) % 240);
      readingLines.push(`${faucetNo},${period},${period}-14,${10_000 + month * 30},${usage / 10},`);
      billLines.push(`${faucetNo},${period},${usage / 10},${9000 + usage},${7000 + usage},${16000 + usage * 2},${1454},${period}-16,${period}-28,${period}-26`);
      paymentLines.push(`${faucetNo},${period},${16000 + usage * 2},transfer,paid,${period}-26`);
    }
  }
  const files = (['customers', 'readings', 'bills', 'payments'] as const).map((kind) => ({
    kind,
    path: writeCsv([headers[kind], ...{ customers: customerLines, readings: readingLines, bills: billLines, payments: paymentLines }[kind]])
  }));
  await importFiles({ db: app.db, now: new Date() }, files, { rules: importRules, notices: noticeRules, ranBy: 'bench' });
  const [customer] = await app.db
    .insert(customers)
    .values({ email: 'company@example.jp', nickname: '北都', passwordHash: 'not used', createdAt: new Date() })
    .returning({ id: customers.id });
  await app.db.execute(sql`
    insert into faucet_links (customer_id, contract_id, linked_at)
    select ${customer!.id}, c.id, now() from contracts c join faucets f on f.id = c.faucet_id where f.faucet_no like '8%'`);
  return { customerId: customer!.id, token: await createSession(app.db, customer!.id, new Date()) };
}

/** 200 households with one faucet each, and a session each, for the load. */
async function households(app: App): Promise<string[]> {
  const rows = Array.from({ length: CLIENTS }, (_, index) => `${81_000_000 + index},名寄 世帯${index},,01654-2-9000,名寄市,,,,2015-04-01,,transfer`);
  await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...rows]) }], { rules: importRules, notices: noticeRules, ranBy: 'bench' });
  const created = await app.db
    .insert(customers)
    .values(Array.from({ length: CLIENTS }, (_, index) => ({ email: `home${index}@example.jp`, nickname: 'x', passwordHash: 'not used', createdAt: new Date() })))
    .returning({ id: customers.id });
  const contracts = await app.db.execute(sql`select c.id from contracts c join faucets f on f.id = c.faucet_id where f.faucet_no like '81%' order by f.faucet_no`);
  const contractIds = (Array.isArray(contracts) ? contracts : (contracts as unknown as { rows: unknown[] }).rows) as { id: number }[];
  await app.db.insert(faucetLinks).values(created.map((customer, index) => ({ customerId: customer.id, contractId: contractIds[index]!.id, linkedAt: new Date() })));
  return Promise.all(created.map((customer) => createSession(app.db, customer.id, new Date())));
}

/** A pull as the device sends it: tRPC's batch link makes every call a batch, here of one. */
function pullUrl(baseUrl: string, cursor: number | null, knownLinks: number[]): string {
  return `${baseUrl}/api/trpc/sync.pull?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { format: SYNC_FORMAT, cursor, knownLinks } }))}`;
}

interface PulledData {
  cursor: number;
  faucets: { linkId: number }[];
}
const pulledData = (body: string) => (JSON.parse(body) as [{ result: { data: PulledData } }])[0].result.data;

async function pullBody(baseUrl: string, token: string, cursor: number | null, knownLinks: number[]): Promise<string> {
  const response = await fetch(pullUrl(baseUrl, cursor, knownLinks), { headers: { Cookie: `${sessionCookieName(ORIGIN)}=${token}` } });
  return response.text();
}

/** Each client pulls this often in the paced phase: 200 clients × 4 a second = 800 requests/s offered. */
const PACED_INTERVAL_MS = 250;

/** CPU ticks of every PostgreSQL process on this machine so far, by pid, from /proc: the database's share of the work. */
function postgresCpuTicks(): Map<string, number> {
  const ticks = new Map<string, number>();
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // The process ended meanwhile.
    }
  }
  return ticks;
}

/**
 * PostgreSQL CPU (µs) since `before`. A process that ended meanwhile (another test's backend)
 * is left out rather than subtracted, so the figure can only miss a little, never go below zero.
 */
function postgresCpuMicrosSince(before: Map<string, number>): number {
  const ticksPerSecond = 100;
  let ticks = 0;
  for (const [pid, now] of postgresCpuTicks()) ticks += Math.max(0, now - (before.get(pid) ?? 0));
  return (ticks / ticksPerSecond) * 1e6;
}

/** Capacity and paced p99 of no-change pulls from many clients at once, measured by bench/pull-load-child.ts. */
async function load(clients: { url: string; cookie: string }[]) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'portal-bench-clients-')), 'clients.json');
  writeFileSync(file, JSON.stringify(clients));
  const serverCpu = process.cpuUsage();
  const databaseCpu = postgresCpuTicks();
  const measured = await runInChild<{ rps: number; n: number; saturatedP99: number; pacedP99: number; pacedN: number }>(
    'bench/pull-load-child.ts',
    [file, String(LOAD_SECONDS), String(PACED_SECONDS), String(PACED_INTERVAL_MS)],
    {}
  );
  // Every pull of both phases and the warm-up, against the CPU this process and PostgreSQL spent on them.
  const pulls = measured.n + measured.pacedN + clients.length;
  const used = process.cpuUsage(serverCpu);
  return { ...measured, serverCpuPerPull: (used.user + used.system) / pulls, databaseCpuPerPull: postgresCpuMicrosSince(databaseCpu) / pulls };
}

type Load = Awaited<ReturnType<typeof load>>;

/** Two runs of one side as one: the rates, latencies and CPU per pull averaged, the pulls added up. */
function meanOf(first: Load, second: Load): Load {
  const mean = (pick: (run: Load) => number) => (pick(first) + pick(second)) / 2;
  return {
    rps: mean((run) => run.rps),
    n: first.n + second.n,
    saturatedP99: mean((run) => run.saturatedP99),
    pacedP99: mean((run) => run.pacedP99),
    pacedN: first.pacedN + second.pacedN,
    serverCpuPerPull: mean((run) => run.serverCpuPerPull),
    databaseCpuPerPull: mean((run) => run.databaseCpuPerPull)
  };
}

/**
 * The baseline: the same no-change pull (the session, then the very statement sync.pull runs
 * for the windows and the horizon, its text made once as the app does) served by a bare
 * node:http handler over postgres.js, with nothing of tRPC, drizzle or the app around it.
 */
async function rawPullServer(databaseUrl: string): Promise<{ server: Server; baseUrl: string; close(): Promise<void> }> {
  const db = postgres(databaseUrl, { max: 10 });
  const windows = windowsQuery(holdToUtility(drizzle(db, { schema }) as unknown as Database, demoUtility)).toSQL();
  const server = createServer(async (req, res) => {
    const token = /session=([^;]+)/.exec(req.headers.cookie ?? '')?.[1] ?? '';
    const { cursor } = (JSON.parse(new URL(req.url!, 'http://localhost').searchParams.get('input')!) as { 0: { cursor: number } })[0];
    const [session] = await db`select customer_id from sessions where token_hash = encode(sha256(${token}::bytea), 'hex') and expires_at > now()`;
    const params = fillPlaceholders(windows.params, { customerId: session!.customer_id as number, cursor });
    const [first] = await db.unsafe(windows.sql, params as never[], { prepare: true }).values();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify([{ result: { data: { format: SYNC_FORMAT, cursor: Number(first![0]) } } }]));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    server,
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise((resolve) => server.close(resolve));
      await db.end();
    }
  };
}

export async function benchSync(): Promise<Record<string, Figure>> {
  // Logging as in production (LOG_LEVEL's default), not the tests' trace level.
  const app = await startApp({ logLevel: 'info' });
  try {
    progress('sync: a company account with 20 faucets × 24 months');
    const company = await companyAccount(app);
    const initial = await pullBody(app.baseUrl, company.token, null, []);
    const first = pulledData(initial);
    const links = first.faucets.map((faucet) => faucet.linkId);
    const noop = await pullBody(app.baseUrl, company.token, first.cursor, links);

    progress(`sync: ${CLIENTS} clients pulling with nothing changed (${LOAD_SECONDS} s flat out, ${PACED_SECONDS} s paced), against the app and against a bare handler`);
    const tokens = await households(app);
    const cursors = await Promise.all(
      tokens.map(async (token) => {
        const data = pulledData(await pullBody(app.baseUrl, token, null, []));
        return { token, cursor: data.cursor, links: data.faucets.map((faucet) => faucet.linkId) };
      })
    );
    const cookie = (token: string) => `${sessionCookieName(ORIGIN)}=${token}`;
    const raw = await rawPullServer(app.databaseUrl!);
    const clientsOf = (baseUrl: string) => cursors.map((client) => ({ url: pullUrl(baseUrl, client.cursor, client.links), cookie: cookie(client.token) }));
    // App, bare, bare, app, and the means: whichever runs later finds the process's shared code
    // (postgres.js, node:http) warmer and the machine in another state, so each side gets one
    // early and one late run.
    const runs: Load[] = [];
    try {
      for (const [index, baseUrl] of [app.baseUrl, raw.baseUrl, raw.baseUrl, app.baseUrl].entries()) {
        progress(`sync: run ${index + 1} of 4, ${baseUrl === app.baseUrl ? 'the app' : 'the bare handler'}`);
        const run = await load(clientsOf(baseUrl));
        progress(`  ${Math.round(run.rps)} pulls/s; server CPU ${round(run.serverCpuPerPull)} µs a pull, PostgreSQL's ${round(run.databaseCpuPerPull)} µs`);
        runs.push(run);
      }
    } finally {
      await raw.close();
    }
    const app_ = meanOf(runs[0]!, runs[3]!);
    const bare = meanOf(runs[1]!, runs[2]!);
    return {
      sync_initial_bytes_gz: { value: gzipSync(initial).length, unit: 'bytes', n: FAUCETS * MONTHS },
      sync_initial_bytes: { value: Buffer.byteLength(initial), unit: 'bytes' },
      sync_noop_bytes: { value: Buffer.byteLength(noop), unit: 'bytes', n: 1 },
      sync_pull_rps: againstBaseline(app_.rps, 'requests/s', bare.rps, app_.n),
      sync_pull_p99_ms: { value: round(app_.pacedP99), unit: 'ms', baseline: round(bare.pacedP99), n: app_.pacedN },
      // Flat out, 200 pulls are always waiting: by Little's law p99 is at least 200 / capacity, for the bare handler too.
      sync_pull_saturated_p99_ms: { value: round(app_.saturatedP99), unit: 'ms', baseline: round(bare.saturatedP99), n: app_.n },
      raw_pull_rps: { value: round(bare.rps), unit: 'requests/s', n: bare.n },
      sync_pull_server_cpu_us: againstBaseline(app_.serverCpuPerPull, 'µs', bare.serverCpuPerPull),
      sync_pull_database_cpu_us: againstBaseline(app_.databaseCpuPerPull, 'µs', bare.databaseCpuPerPull)
    };
  } finally {
    await app.close();
  }
}
