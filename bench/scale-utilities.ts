import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { demoProfilePath, utilityProfileSchema, type UtilityProfile } from '../server/config.js';
import { openDatabase, selectRows, type Database, type DatabaseHandle } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { importKinds, rowRulesOf } from '../server/domain/import-rows.js';
import { generateDemo, type DemoData } from '../server/demo/generate.js';
import { demoOptions } from '../server/demo/load.js';
import { writeDemoFiles } from '../server/demo/write.js';
import { importFiles, type ImportFile } from '../server/features/imports/service.js';
import { createSession, sessionCookieName } from '../server/sessions/sessions.js';
import { pushServiceCertificate, startPushService, type PushService, type PushSubscriptionJson } from '../tests/integration/support/push-service.js';
import { freshDataDir, startServer, stopServer } from '../tests/integration/support/server-process.js';
import type { DevicesReport, Stats } from './bill-day-child.js';
import { driver } from './bill-day-load.js';
import { storeDevices } from './push-loop.js';
import { benchPort } from './served-app.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

/** The recorded size: 10 utilities of 10,000 faucets each on one PostgreSQL. */
export const UTILITIES = 10;
export const FAUCETS_PER_UTILITY = 10_000;
/** Utilities whose bills are imported at once: the bill day of a prefecture's merged utilities. */
const BILL_DAY_UTILITIES = 2;
/** Signed-in devices of every utility pulling on a timer, as the bill-day bench's (2,000 in all at the recorded size). */
const DEVICES_PER_UTILITY = 200;
const DEVICE_INTERVAL_MS = 10_000;
const BEFORE_SECONDS = 10;
/** A delivery the worker gave up on never arrives: past this the run ends, the missing ones counted as errors. */
const DELIVERY_DEADLINE_MS = 10 * 60_000;
/** Each utility's share in the bench process (imports, sessions): the portal's own pools are in its process. */
const BENCH_SHARE_CONNECTIONS = 2;
const PORT = benchPort(4475);
const ORIGIN = `http://127.0.0.1:${PORT}`;

type Scratch = { url: string; drop(): Promise<void> };
/** A new scratch database on the bench's server, empty or a copy of `template`'s. */
type Scratcher = (template?: Scratch) => Promise<Scratch>;
/** One database for all utilities, sealed by row-level security (the deployment); or the same with row-level security off (the baseline). */
type Layout = 'sealed' | 'unsealed';

interface BenchUtility {
  profile: UtilityProfile;
  /** The profile as its file holds it. */
  file: object;
  host: string;
}

/**
 * Utilities made from the demo profile: ids bench-01…, each on its own host, quiet hours off (the
 * figures must not depend on the hour). Same tariff, same town, same faucet numbers: what tells
 * them apart is the utility alone.
 */
function utilitiesOf(count: number): BenchUtility[] {
  const demo = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as { name: { ja: string; en: string } };
  return Array.from({ length: count }, (_, index) => {
    const number = String(index + 1).padStart(2, '0');
    const host = `u${number}.bench.localhost`;
    const file = {
      ...demo,
      id: `bench-${number}`,
      hosts: [host],
      name: { ja: `${demo.name.ja}（${number}）`, en: `${demo.name.en} (${number})` },
      quietHours: { start: '00:00', end: '00:00' }
    };
    return { profile: utilityProfileSchema.parse(file), file, host };
  });
}

/** Each batch of a faucet's rows, keeping the rows of the periods `keep` takes. */
function ofPeriods<Row extends { period: string }>(rows: Iterable<Row[]>, keep: (period: string) => boolean): Iterable<Row[]> {
  return {
    *[Symbol.iterator]() {
      for (const batch of rows) yield batch.filter((row) => keep(row.period));
    }
  };
}

interface UtilityFiles {
  /** Two years of customers, readings, bills and payments up to the month before the bill day. */
  history: ImportFile[];
  /** The bill day's bills: last month's, for every faucet. */
  bills: ImportFile;
  period: string;
  faucets: number;
  dir: string;
}

/**
 * The demo generator's files for `faucets` faucets, written once and imported into every
 * utility: the faucet numbers repeat from one utility to the next.
 */
async function writeFiles(profile: UtilityProfile, faucets: number, now: Date): Promise<UtilityFiles> {
  const options = { ...demoOptions(profile, now), faucets };
  const period = options.endPeriod;
  const data = generateDemo(options);
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bench-utilities-'));
  const onProgress = (done: number, total: number, kind: string) => {
    if (done % 2000 === 0 || done === total) progress(`  ${kind}: ${done.toLocaleString('en')} of ${total.toLocaleString('en')} faucets`);
  };
  const before = (candidate: string) => candidate !== period;
  const history: DemoData = { faucets, rows: { ...data.rows, bills: ofPeriods(data.rows.bills, before), payments: ofPeriods(data.rows.payments, before) } };
  await writeDemoFiles(path.join(dir, 'history'), history, { encoding: 'utf8', onProgress });
  const billDay: DemoData = { faucets, rows: { customers: [], readings: [], bills: ofPeriods(data.rows.bills, (candidate) => candidate === period), payments: [] } };
  await writeDemoFiles(path.join(dir, 'bill-day'), billDay, { encoding: 'utf8' });
  return {
    history: importKinds.map((kind) => ({ kind, path: path.join(dir, 'history', `${kind}.csv`) })),
    bills: { kind: 'bills', path: path.join(dir, 'bill-day', 'bills.csv') },
    period,
    faucets,
    dir
  };
}

/** Imports files through a utility's share as `npm run import -- --utility` does; anything but a clean import stops the bench. */
async function importInto(db: Database, profile: UtilityProfile, files: ImportFile[], label: string): Promise<void> {
  const result = await importFiles({ db, now: new Date() }, files, {
    rules: rowRulesOf(profile),
    notices: profile.notices,
    ranBy: 'bench',
    onProgress: (kind, rows) => {
      if (rows % 100_000 === 0) progress(`  ${label} ${kind}: ${rows.toLocaleString('en')} rows`);
    }
  });
  if (result.status !== 'imported') throw new Error(`${label}: import ${result.status}: ${JSON.stringify(result.files)}`);
}

interface Device {
  cookie: string;
  address: string;
  host: string;
}

/**
 * Every faucet's current holder a member (`<faucet>@example.jp`: the same addresses at every
 * utility) linked to it, taking bill notices by push; `phones` (the bill-day utilities') one
 * subscribed phone each; the first DEVICES_PER_UTILITY members signed in on a device.
 */
async function members(db: Database, utility: BenchUtility, index: number, phones: PushSubscriptionJson[] | undefined): Promise<Device[]> {
  await db.execute(sql`insert into customers (email, nickname, password_hash, created_at)
    select faucet_no || '@example.jp', 'bench', 'not used', now() from faucets`);
  // The demo's faucets that changed holder have several contracts: the member holds the latest.
  await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at)
    select distinct on (c.faucet_id) customers.id, c.id, now()
    from contracts c join faucets f on f.id = c.faucet_id join customers on customers.email = f.faucet_no || '@example.jp'
    order by c.faucet_id, c.contract_start desc`);
  await db.execute(sql`insert into notice_preferences (customer_id, topic, push, email) select id, 'bill', true, false from customers`);
  const emails = await selectRows<{ id: number; email: string }>(db, sql`select id, email from customers order by email`);
  if (phones) await storeDevices(db, phones.slice(0, emails.length).map((phone, at) => ({ email: emails[at]!.email, endpoint: phone.endpoint, ...phone.keys })));
  const cookieName = sessionCookieName(originOf(utility));
  const signedIn = emails.slice(0, DEVICES_PER_UTILITY);
  return Promise.all(
    signedIn.map(async ({ id }, at) => ({
      cookie: `${cookieName}=${await createSession(db, id, new Date())}`,
      // Each device a client of its own to the per-client limits, as behind the reverse proxy (TRUST_PROXY=1).
      address: `10.${index + 1}.${Math.floor(at / 250)}.${(at % 250) + 1}`,
      host: `${utility.host}:${PORT}`
    }))
  );
}

const originOf = (utility: BenchUtility) => `http://${utility.host}:${PORT}`;

/** Row-level security off on every sealed table: the baseline, kept apart only by the utility each query names. */
async function withoutRowLevelSecurity(db: Database): Promise<void> {
  const sealed = await selectRows<{ name: string }>(
    db,
    sql`select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'utility_id'`
  );
  for (const { name } of sealed) await db.execute(sql.raw(`alter table "${name}" no force row level security, disable row level security`));
  const [left] = await selectRows<{ count: number }>(db, sql`select count(*)::int as count from pg_class where relnamespace = 'public'::regnamespace and relrowsecurity`);
  if (left!.count !== 0) throw new Error(`${left!.count} tables still under row-level security`);
}

/**
 * Every utility's faucets are in, under the same numbers: what the database must keep apart (read
 * as the owner, a superuser, whom the policies do not hold).
 */
async function checkFaucets(owner: Database, expected: number): Promise<void> {
  const [row] = await selectRows<{ faucets: number; numbers: number }>(owner, sql`select count(*)::int as faucets, count(distinct faucet_no)::int as numbers from faucets`);
  if (row!.faucets !== expected) throw new Error(`${row!.faucets} faucets imported, not ${expected}`);
  progress(`  ${row!.faucets.toLocaleString('en')} faucets under ${row!.numbers.toLocaleString('en')} faucet numbers`);
}

interface Run {
  before: Stats;
  spike: Stats;
  /** From the two imports' start to the later commit. */
  importsSeconds: number;
  /** From the later commit to the last push. */
  drainSeconds: number;
  deliveriesPerSecond: number;
  expected: number;
  arrived: number;
  refused: number;
  errors: number;
}

/** Waits for `expected` pushes after `from`, or the deadline; when the first and the last came. */
async function deliveries(push: PushService, from: number, expected: number): Promise<{ firstAt: number; lastAt: number; arrived: number }> {
  const deadline = performance.now() + DELIVERY_DEADLINE_MS;
  let firstAt = Infinity;
  let reported = performance.now();
  while (push.received.length - from < expected && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (firstAt === Infinity && push.received.length > from) firstAt = performance.now();
    if (performance.now() - reported >= 5000) {
      reported = performance.now();
      progress(`  ${(push.received.length - from).toLocaleString('en')} of ${expected.toLocaleString('en')} pushes arrived`);
    }
  }
  return { firstAt, lastAt: performance.now(), arrived: Math.min(expected, push.received.length - from) };
}

const describe = (stats: Stats) => `${stats.n} pulls, p50 ${stats.p50} ms, p99 ${stats.p99} ms, max ${stats.max} ms, ${stats.errors} errors`;

/**
 * The database both runs start from (untimed): every utility's history imported through its
 * share, its members and devices, then settled as autovacuum would have left it. Each run takes
 * a copy of it (CREATE DATABASE … TEMPLATE), so both start from the same bytes.
 */
async function fill(scratch: Scratcher, utilities: BenchUtility[], files: UtilityFiles, phones: PushSubscriptionJson[][]): Promise<{ database: Scratch; devices: Device[] }> {
  const database = await scratch();
  const owner = await openDatabase({ databaseUrl: database.url, utility: utilities[0]!.profile.id });
  try {
    await migrate(owner.db);
    const devices: Device[] = [];
    for (const [index, utility] of utilities.entries()) {
      progress(`${utility.profile.id}: importing ${files.history.length} files, then its members and devices (untimed)`);
      const share = await owner.forUtility(utility.profile.id, BENCH_SHARE_CONNECTIONS);
      try {
        await importInto(share.db, utility.profile, files.history, utility.profile.id);
        devices.push(...(await members(share.db, utility, index, phones[index])));
      } finally {
        await share.close();
      }
    }
    await checkFaucets(owner.db, utilities.length * files.faucets);
    // As autovacuum would have left a settled database: the visibility map and statistics current.
    await owner.db.execute(sql`vacuum analyze`);
    // A template takes no connections while it is copied.
    await owner.close();
    return { database, devices };
  } catch (error) {
    await owner.close();
    await database.drop();
    throw error;
  }
}

/**
 * One bill day on one layout, on a copy of the filled database: the portal of every utility in a
 * process of its own, every utility's devices pulling, then two utilities' bills imported at
 * once while the portal's notices workers push them.
 */
async function billDay(
  layout: Layout,
  database: Scratch,
  utilities: BenchUtility[],
  devices: Device[],
  files: UtilityFiles,
  push: PushService,
  env: Record<string, string>
): Promise<Run> {
  const owner = await openDatabase({ databaseUrl: database.url, utility: utilities[0]!.profile.id });
  const shares: DatabaseHandle[] = [];
  let server: Awaited<ReturnType<typeof startServer>> | undefined;
  try {
    if (layout === 'unsealed') await withoutRowLevelSecurity(owner.db);
    for (const utility of utilities.slice(0, BILL_DAY_UTILITIES)) shares.push(await owner.forUtility(utility.profile.id, BENCH_SHARE_CONNECTIONS));
    progress(`${layout}: starting the portal of ${utilities.length} utilities on ${ORIGIN} (${utilities[0]!.host}, …)`);
    server = await startServer({ ...env, DATABASE_URL: database.url, DATA_DIR: freshDataDir() }, 120_000);

    progress(`${layout}: ${devices.length.toLocaleString('en')} devices (${DEVICES_PER_UTILITY} a utility at most) pulling every ${DEVICE_INTERVAL_MS / 1000} s; ${BEFORE_SECONDS} s without the bill day`);
    const pulling = driver<DevicesReport>({ kind: 'devices', baseUrl: server.baseUrl, devices, intervalMs: DEVICE_INTERVAL_MS });
    await pulling.ready;
    await new Promise((resolve) => setTimeout(resolve, BEFORE_SECONDS * 1000));

    const billing = utilities.slice(0, BILL_DAY_UTILITIES);
    progress(`${layout}: bill day at ${billing.map((utility) => utility.profile.id).join(' and ')} at once: ${files.period} bills imported, the portal's notices workers pushing them`);
    const before = push.received.length;
    const refusedBefore = push.refused.length;
    pulling.send({ mark: 'spike' });
    const started = performance.now();
    const committed = await Promise.all(
      billing.map((utility, index) => importInto(shares[index]!.db, utility.profile, [files.bills], utility.profile.id).then(() => performance.now()))
    );
    const lastCommit = Math.max(...committed);
    progress(`  imports committed after ${committed.map((at) => Math.round(at - started)).join(' and ')} ms`);
    // Named by utility: in the baseline nothing else holds a share to its own rows.
    const [queued] = await selectRows<{ count: number }>(
      owner.db,
      sql`select count(*)::int as count from notice_deliveries where channel = 'push' and utility_id in ${billing.map((utility) => utility.profile.id)}`
    );
    const expected = queued!.count;
    const { firstAt, lastAt, arrived } = await deliveries(push, before, expected);
    pulling.send({ stop: true });
    const pulls = await pulling.report;
    const refused = push.refused.length - refusedBefore;
    const run: Run = {
      before: pulls.before,
      spike: pulls.spike,
      importsSeconds: (lastCommit - started) / 1000,
      drainSeconds: (lastAt - lastCommit) / 1000,
      deliveriesPerSecond: arrived / ((lastAt - firstAt) / 1000),
      expected,
      arrived,
      refused,
      errors: pulls.before.errors + pulls.spike.errors + (expected - arrived) + refused
    };
    progress(`  pulls before: ${describe(run.before)}`);
    progress(`  pulls during: ${describe(run.spike)}`);
    progress(
      `  ${arrived.toLocaleString('en')} of ${expected.toLocaleString('en')} pushes arrived (${refused} refused), the last ${round(run.drainSeconds, 2)} s after the later commit: ${Math.round(run.deliveriesPerSecond)} deliveries/s`
    );
    for (const sample of pulls.errorSamples) progress(`  error: ${sample}`);
    if (expected === 0) throw new Error('the bill day queued no pushes');
    return run;
  } finally {
    if (server) await stopServer(server);
    for (const share of shares) await share.close();
    await owner.close();
  }
}

/**
 * `npm run bench -- --scale utilities`: 10 utilities × 10,000 faucets in one PostgreSQL
 * database under row-level security, two of them on their bill day at once, against the same
 * run with row-level security off (bench/README.md, "Several utilities"); each layout twice, the
 * figures their means. Smaller sizes are for trying the bench out; only the full size is recorded
 * (run.ts).
 */
export async function benchUtilities(scratch: Scratcher, count: number, faucets: number): Promise<Record<string, Figure>> {
  const utilities = utilitiesOf(count);
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bench-profiles-'));
  for (const utility of utilities) writeFileSync(path.join(dir, `${utility.profile.id}.json`), JSON.stringify(utility.file));
  // The portal trusts the local push service's certificate the way any Node process can be told to.
  writeFileSync(path.join(dir, 'push-ca.pem'), pushServiceCertificate);
  progress(`writing the demo generator's files: ${faucets.toLocaleString('en')} faucets, two years, imported into each of ${count} utilities`);
  const files = await writeFiles(utilities[0]!.profile, faucets, new Date());
  const push = await startPushService({ idleTimeoutMs: 10 * 60_000 });
  try {
    // The same phones in both runs, one for each member of the bill-day utilities.
    const phones = utilities.map((_, index) => (index < BILL_DAY_UTILITIES ? Array.from({ length: faucets }, () => push.subscribe()) : []));
    const env = {
      PORT: String(PORT),
      ORIGIN,
      TRUST_PROXY: '1',
      UTILITY_CONFIG: dir,
      NODE_EXTRA_CA_CERTS: path.join(dir, 'push-ca.pem'),
      PUSH_SERVICE_HOSTS: push.hostEntry
    };
    const filled = await fill(scratch, utilities, files, phones);
    const runOnCopy = async (layout: Layout) => {
      const copy = await scratch(filled.database);
      try {
        return await billDay(layout, copy, utilities, filled.devices, files, push, env);
      } finally {
        await copy.drop();
      }
    };
    // Each layout twice, in the order ABBA: the second run of the bench came out slower whatever
    // its layout (7 December), and a drift that is the same at each step cancels out in the means.
    const runs: Record<Layout, Run[]> = { sealed: [], unsealed: [] };
    try {
      for (const layout of ['sealed', 'unsealed', 'unsealed', 'sealed'] as const) runs[layout].push(await runOnCopy(layout));
    } finally {
      await filled.database.drop();
    }
    const queued = new Set([...runs.sealed, ...runs.unsealed].map((run) => run.expected));
    // Without the policies only the queries keep utilities apart: a bill landing on another utility's faucet of the same number would change what is queued.
    if (queued.size !== 1) throw new Error(`the runs queued ${[...queued].join(', ')} pushes, not the same number: a query crossed utilities`);
    const sum = (layout: Layout, of: (run: Run) => number) => runs[layout].reduce((added, run) => added + of(run), 0);
    const mean = (layout: Layout, of: (run: Run) => number) => sum(layout, of) / runs[layout].length;
    const total = (of: (run: Run) => number) => sum('sealed', of);
    const figure = (of: (run: Run) => number, unit: string, n: number) => againstBaseline(mean('sealed', of), unit, mean('unsealed', of), n);
    return {
      utilities_pull_p50_ms: figure((run) => run.spike.p50, 'ms', total((run) => run.spike.n)),
      utilities_pull_p99_ms: figure((run) => run.spike.p99, 'ms', total((run) => run.spike.n)),
      utilities_deliveries_per_s: figure((run) => run.deliveriesPerSecond, 'deliveries/s', total((run) => run.arrived)),
      utilities_errors: {
        value: total((run) => run.errors),
        unit: 'errors',
        baseline: sum('unsealed', (run) => run.errors),
        n: total((run) => run.before.n + run.spike.n + run.expected)
      },
      utilities_bill_day_imports_s: figure((run) => run.importsSeconds, 's', runs.sealed.length * BILL_DAY_UTILITIES * faucets),
      utilities_drain_s: figure((run) => run.drainSeconds, 's', total((run) => run.arrived))
    };
  } finally {
    await push.stop();
    rmSync(files.dir, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  }
}
