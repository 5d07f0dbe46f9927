import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import type { NoticeFacts } from '../src/lib/shared/notices.js';
import { pushPayload } from '../src/lib/shared/push-payload.js';
import { SYNC_FORMAT } from '../src/lib/shared/sync-wire.js';
import { loadConfig, type Config } from '../server/config.js';
import { openDatabase, selectRows, type Database, type DatabaseHandle } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import type { ImportKind } from '../server/domain/import-rows.js';
import { importFiles } from '../server/features/imports/service.js';
import { commandLine } from '../server/features/audit/service.js';
import { searchAccounts } from '../server/features/support/service.js';
import { pull } from '../server/features/sync/service.js';
import { defaultTuning, startNoticeWorker } from '../server/jobs/notice-worker.js';
import { createLogger } from '../server/log/logger.js';
import { createMailer } from '../server/mail/transport.js';
import { webPushOptions } from '../server/push/send.js';
import { vapidKeys } from '../server/push/vapid.js';
import type { ServiceDeps } from '../server/service-deps.js';
import { demoUtility, importRules, noticeRules } from '../tests/integration/support/import-files.js';
import { startPushService, type PushService, type PushSubscriptionJson } from '../tests/integration/support/push-service.js';
import { freshDataDir } from '../tests/integration/support/server-process.js';
import { benchFaucetNo, benchPeriod, writeBenchFiles } from './bench-files.js';
import { bareWebPushLoop, countedPushAgent, storeDevices } from './push-loop.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

/** The large scale: a city of 100,000 faucets with two years of history. */
export const LARGE_FAUCETS = 100_000;
/** The small database the scale-dependent figures stand against: 300 faucets, the same history. */
const SMALL_FAUCETS = 300;
const MONTHS = 24;
const FIRST_YEAR = 2024;
/** One member in five has an account, each with one faucet and one device taking bill notices by push. */
const MEMBER_SHARE = 5;
const COMPANY_FAUCETS = 20;
const SEARCHES = 100;
const PULLS = 20;

const historyKinds = ['customers', 'readings', 'bills', 'payments'] as const satisfies readonly ImportKind[];
type HistoryKind = (typeof historyKinds)[number];
type PeriodKind = Exclude<HistoryKind, 'customers'>;

/** The table's columns in the order the file has them after faucet_no, the usage in tenths as the table keeps it. */
const tableColumns: Record<PeriodKind, string> = {
  readings: 'faucet_id, period, reading_date, meter_value, usage_tenths, next_reading_date',
  bills: 'faucet_id, period, usage_tenths, water_charge, sewer_charge, total, tax, issue_date, due_date, transfer_date',
  payments: 'faucet_id, period, amount, method, result, paid_on'
};

/** Streams a period file to the rows the table stores, faucet numbers resolved to ids: what COPY into the table takes. */
async function resolvedFile(file: string, idOf: Map<string, number>): Promise<{ resolved: string; rows: number }> {
  const resolved = `${file}.resolved`;
  const out = createWriteStream(resolved);
  let usageColumn: number | undefined;
  let rows = 0;
  for await (const line of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
    const fields = line.split(',');
    if (usageColumn === undefined) {
      // The header; payments have no usage (-1).
      usageColumn = fields.indexOf('usage_m3');
      continue;
    }
    fields[0] = String(idOf.get(fields[0]!));
    if (usageColumn > 0) fields[usageColumn] = String(Math.round(Number(fields[usageColumn]) * 10));
    rows += 1;
    if (!out.write(`${fields.join(',')}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { resolved, rows };
}

/** A connection of its own in the bench's utility: the tables' utility_id defaults read it, as the portal's connections do. */
const utilityClient = (url: string) => postgres(url, { max: 1, onnotice: () => {}, connection: { 'app.utility': demoUtility } });

/**
 * The baseline of a period file's import: the same rows, ids resolved beforehand (untimed), by
 * plain COPY into a table made like the real one (its key, checks, defaults and the foreign key
 * to faucets), in the same database, then dropped. What an import that checked nothing costs.
 */
async function copyBaselineMs(url: string, db: Database, kind: PeriodKind, file: string): Promise<number> {
  const ids = await selectRows<{ id: number; faucet_no: string }>(db, sql`select id, faucet_no from faucets`);
  const { resolved, rows } = await resolvedFile(file, new Map(ids.map((row) => [row.faucet_no, row.id])));
  const client = utilityClient(url);
  try {
    await client.unsafe(`create table baseline_${kind} (like ${kind} including all, foreign key (utility_id, faucet_id) references faucets (utility_id, id))`);
    const started = performance.now();
    await pipeline(createReadStream(resolved), await client.unsafe(`copy baseline_${kind} (${tableColumns[kind]}) from stdin with (format csv)`).writable());
    const ms = performance.now() - started;
    const [copied] = await client.unsafe(`select count(*)::int as rows from baseline_${kind}`);
    if (copied!.rows !== rows) throw new Error(`the baseline copied ${copied!.rows} of ${rows} rows`);
    await client.unsafe(`drop table baseline_${kind}`);
    return ms;
  } finally {
    await client.end();
  }
}

interface Write {
  xid: bigint;
  committedAt: number;
}

/**
 * Another writer while an import runs, as customers and staff are (a procedure filed, a notice
 * read): a commit every 100 ms on a connection of its own, and a device's view of them: the
 * horizon a pull would take (pg_snapshot_xmin, as sync.pull computes it), read every 100 ms. A
 * write is visible to a pull once the horizon has passed its transaction id.
 */
function watchHorizon(url: string) {
  const writer = utilityClient(url);
  const reader = utilityClient(url);
  const writes: Write[] = [];
  const horizons: { at: number; horizon: bigint }[] = [];
  let running = true;
  const every = async (ms: number, step: () => Promise<void>) => {
    while (running) {
      await step();
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
  };
  const loops = Promise.all([
    every(100, async () => {
      const [row] = await writer`insert into rate_events (bucket, at) values ('bench-horizon', now()) returning pg_current_xact_id()::text as xid`;
      writes.push({ xid: BigInt(row!.xid as string), committedAt: performance.now() });
    }),
    every(100, async () => {
      const [row] = await reader`select pg_snapshot_xmin(pg_current_snapshot())::text as horizon`;
      horizons.push({ at: performance.now(), horizon: BigInt(row!.horizon as string) });
    })
  ]);
  return {
    /** Each write's wait from its commit until a pull could see it, in ms, for writes committed between from and to. */
    lags(from: number, to: number): number[] {
      return writes
        .filter((write) => write.committedAt >= from && write.committedAt < to)
        .map((write) => {
          const seen = horizons.find((sample) => sample.at >= write.committedAt && sample.horizon > write.xid);
          return (seen?.at ?? Infinity) - write.committedAt;
        });
    },
    async stop() {
      running = false;
      await loops;
      await writer`delete from rate_events where bucket = 'bench-horizon'`;
      await Promise.all([writer.end(), reader.end()]);
    }
  };
}

const percentile = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * share))]!;
const median = (values: number[]) => percentile(values, 0.5);

interface ScaleDatabase {
  handle: DatabaseHandle;
  url: string;
  drop(): Promise<void>;
}

async function openScaleDatabase(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<ScaleDatabase> {
  const target = await scratch();
  const handle = await openDatabase({ databaseUrl: target.url, utility: demoUtility });
  await migrate(handle.db);
  return {
    handle,
    url: target.url,
    drop: async () => {
      await handle.close();
      await target.drop();
    }
  };
}

const importOptions = (label: string) => ({
  rules: importRules,
  notices: noticeRules,
  ranBy: 'bench',
  onProgress: (kind: string, rows: number) => {
    if (rows % 500_000 === 0) progress(`  ${label} ${kind}: ${rows.toLocaleString('en')} rows`);
  }
});

/** Imports one file and says how long it took; anything but a clean import stops the bench. */
async function timedImport(db: Database, kind: ImportKind, file: string, label: string): Promise<number> {
  const started = performance.now();
  const result = await importFiles({ db, now: new Date() }, [{ kind, path: file }], importOptions(label));
  if (result.status !== 'imported') throw new Error(`${kind} import ${result.status}: ${JSON.stringify(result.files[0])}`);
  return performance.now() - started;
}

/**
 * Members as the portal would have them after sign-up: every fifth faucet's holder with an
 * account linked to it, one device subscribed to push for bill notices; and one company
 * account holding 20 faucets that no member holds (the sync bench's).
 */
async function makeMembers(db: Database, push: PushService | undefined): Promise<{ devices: PushSubscriptionJson[]; members: number; company: number }> {
  await db.execute(sql`insert into customers (email, nickname, password_hash, created_at)
    select 'member' || f.faucet_no || '@example.jp', '利用者' || f.faucet_no, 'not used', now() from faucets f
    where (f.faucet_no::int - 30000000) % ${MEMBER_SHARE} = 0 and f.faucet_no::int - 30000000 >= ${COMPANY_FAUCETS}`);
  await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at)
    select cu.id, c.id, now() from contracts c join faucets f on f.id = c.faucet_id join customers cu on cu.email = 'member' || f.faucet_no || '@example.jp'`);
  const [company] = await selectRows<{ id: number }>(
    db,
    sql`insert into customers (email, nickname, password_hash, created_at) values ('company@example.jp', '北都', 'not used', now()) returning id`
  );
  await db.execute(sql`insert into faucet_links (customer_id, contract_id, linked_at)
    select ${company!.id}, c.id, now() from contracts c join faucets f on f.id = c.faucet_id where f.faucet_no::int - 30000000 < ${COMPANY_FAUCETS}`);
  const members = await selectRows<{ email: string }>(db, sql`select email from customers where email like 'member%' order by id`);
  const devices = push ? members.map((member) => ({ email: member.email, ...push.subscribe() })) : [];
  if (push) {
    await storeDevices(db, devices.map((device) => ({ email: device.email, endpoint: device.endpoint, ...device.keys })));
    await db.execute(sql`insert into notice_preferences (customer_id, topic, push, email) select id, 'bill', true, false from customers where email like 'member%'`);
  }
  // As autovacuum would have left a settled database: hint bits set, the visibility map and statistics current.
  await db.execute(sql`vacuum analyze`);
  return { devices: devices.map(({ endpoint, keys }) => ({ endpoint, keys })), members: members.length, company: company!.id };
}

interface QueryFigures {
  firstPullMs: number;
  firstPullBytes: number;
  noopPullMs: number;
  noopPullBytes: number;
  searchP95Ms: number;
}

/** The company's first pull and its no-change pull (sync.pull's service, the bytes as tRPC sends them), and the staff search. */
async function measureQueries(deps: ServiceDeps, company: number, faucets: number): Promise<QueryFigures> {
  const body = (data: unknown) => JSON.stringify([{ result: { data } }]);
  // Unmeasured first: the process's code and the connections warm, whichever database comes first.
  for (let round_ = 0; round_ < 10; round_ += 1) {
    await pull({ ...deps, now: new Date() }, company, { format: SYNC_FORMAT, cursor: null, knownLinks: [] });
    await searchAccounts(deps, commandLine, benchFaucetNo(COMPANY_FAUCETS + round_));
  }
  const first = [];
  let firstBody = '';
  let cursor = 0;
  let links: number[] = [];
  for (let round_ = 0; round_ < 5; round_ += 1) {
    const started = performance.now();
    const response = await pull({ ...deps, now: new Date() }, company, { format: SYNC_FORMAT, cursor: null, knownLinks: [] });
    first.push(performance.now() - started);
    firstBody = body(response);
    cursor = response.cursor;
    links = (response.faucets ?? []).map((faucet) => faucet.linkId);
  }
  if (links.length !== COMPANY_FAUCETS) throw new Error(`the company pulled ${links.length} faucets`);
  const noop = [];
  let noopBody = '';
  for (let round_ = 0; round_ < PULLS; round_ += 1) {
    const started = performance.now();
    const response = await pull({ ...deps, now: new Date() }, company, { format: SYNC_FORMAT, cursor, knownLinks: links });
    noop.push(performance.now() - started);
    noopBody = body(response);
  }
  // Part of a faucet number, of an e-mail address, a holder's name, and a reading that every holder shares (the widest search).
  const queries = Array.from({ length: SEARCHES }, (_, index) => {
    const faucet = COMPANY_FAUCETS + ((index * 7919) % (faucets - COMPANY_FAUCETS));
    return [benchFaucetNo(faucet), `member${benchFaucetNo(faucet)}@`, `利用者${faucet}`, 'なよろ'][index % 4]!;
  });
  const searches = [];
  for (const query of queries) {
    const started = performance.now();
    await searchAccounts(deps, commandLine, query);
    searches.push(performance.now() - started);
  }
  return {
    firstPullMs: median(first),
    firstPullBytes: Buffer.byteLength(firstBody),
    noopPullMs: median(noop),
    noopPullBytes: Buffer.byteLength(noopBody),
    searchP95Ms: percentile(searches, 0.95)
  };
}

/** The demo profile with quiet hours off: the bench reads the real clock and must not depend on the hour it runs. */
function benchConfig(env: Record<string, string> = {}): Config {
  const loaded = loadConfig({ DATA_DIR: freshDataDir(), ...env });
  return { ...loaded, origin: 'https://portal.example.jp', profile: { ...loaded.profile, quietHours: { start: '00:00', end: '00:00' } } };
}

function serviceDeps(db: Database, config: Config): ServiceDeps {
  const logger = createLogger('warn');
  return { db, config, logger, mailer: createMailer(config, logger), now: new Date(), clientKey: 'bench' };
}

/** The 300-faucet database the scale-dependent figures stand against: the same history, members and company. */
async function smallDatabaseFigures(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<QueryFigures> {
  const small = await openScaleDatabase(scratch);
  try {
    const files = writeBenchFiles({ faucets: SMALL_FAUCETS, months: MONTHS, firstYear: FIRST_YEAR, kinds: historyKinds });
    for (const kind of historyKinds) await timedImport(small.handle.db, kind, files[kind], 'small');
    const { company } = await makeMembers(small.handle.db, undefined);
    const deps = serviceDeps(small.handle.db, benchConfig());
    // A whole round first, not kept: the process's first one runs about twice as slow (its code not yet optimised).
    await measureQueries(deps, company, SMALL_FAUCETS);
    return await measureQueries(deps, company, SMALL_FAUCETS);
  } finally {
    await small.drop();
  }
}

/** Waits until the push service has taken `count` more messages than `from`, or the deadline; reports every 10 s. */
async function arrivals(push: PushService, from: number, count: number, deadlineMs: number): Promise<{ at: number; arrived: number }> {
  const deadline = performance.now() + deadlineMs;
  let reported = performance.now();
  while (push.received.length - from < count && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (performance.now() - reported > 10_000) {
      reported = performance.now();
      progress(`  ${(push.received.length - from).toLocaleString('en')} of ${count.toLocaleString('en')} pushes arrived`);
    }
  }
  return { at: performance.now(), arrived: Math.min(count, push.received.length - from) };
}

/**
 * `npm run bench -- --scale large`: a city of 100,000 faucets × 24 months on PostgreSQL (see
 * bench/README.md, "Scale"). `faucets` smaller is for trying the bench out; only the full size
 * is recorded (run.ts).
 */
export async function benchScale(scratch: () => Promise<{ url: string; drop(): Promise<void> }>, faucets: number): Promise<Record<string, Figure>> {
  const suffix = '_large';
  progress(`baseline: a ${SMALL_FAUCETS}-faucet database with the same history, members and company account`);
  const small = await smallDatabaseFigures(scratch);

  progress(`writing ${faucets.toLocaleString('en')} faucets × ${MONTHS} months of customers, readings, bills and payments`);
  const files = writeBenchFiles({ faucets, months: MONTHS, firstYear: FIRST_YEAR, kinds: historyKinds });
  const monthly = writeBenchFiles({ faucets, months: MONTHS + 1, firstYear: FIRST_YEAR, kinds: ['bills'], fromMonth: MONTHS });
  const fileBytes = historyKinds.reduce((sum, kind) => sum + statSync(files[kind]).size, 0);

  const large = await openScaleDatabase(scratch);
  const push = await startPushService({ idleTimeoutMs: 10 * 60_000 });
  const pushEnv = { PUSH_SERVICE_HOSTS: push.hostEntry };
  const agent = countedPushAgent(benchConfig(pushEnv).pushServiceHosts);
  let stopWorker: (() => Promise<void>) | undefined;
  const figures: Record<string, Figure> = {};
  try {
    const { db } = large.handle;
    const rows: Record<HistoryKind, number> = { customers: faucets, readings: faucets * MONTHS, bills: faucets * MONTHS, payments: faucets * MONTHS };
    const horizon = watchHorizon(large.url);
    const held: Record<string, { maxLagMs: number; heldBack: number; writes: number; importMs: number }> = {};
    try {
      // Two seconds of writes with no import running: how long a write normally waits to be seen.
      const quietFrom = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 2000));
      const quiet = horizon.lags(quietFrom, performance.now() - 300);
      held.quiet = { maxLagMs: Math.max(...quiet), heldBack: 0, writes: quiet.length, importMs: 0 };
      for (const kind of historyKinds) {
        let copyMs: number | undefined;
        if (kind !== 'customers') {
          progress(`${kind}: baseline COPY of ${rows[kind].toLocaleString('en')} resolved rows into a table like ${kind}`);
          copyMs = await copyBaselineMs(large.url, db, kind, files[kind]);
        }
        progress(`${kind}: importing ${rows[kind].toLocaleString('en')} rows`);
        const from = performance.now();
        const ms = await timedImport(db, kind, files[kind], 'large');
        const to = performance.now();
        // Writes committed while the import ran and seen only after it ended.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const lags = horizon.lags(from, to);
        held[kind] = { maxLagMs: Math.max(...lags), heldBack: lags.filter((lag) => lag > 1000).length, writes: lags.length, importMs: ms };
        const perSecond = (rows[kind] / ms) * 1000;
        progress(
          `  ${kind}: ${round(ms / 1000, 1)} s, ${Math.round(perSecond).toLocaleString('en')} rows/s` +
            (copyMs ? ` (COPY ${round(copyMs / 1000, 1)} s)` : '') +
            `; ${held[kind].heldBack} of ${lags.length} other writes held back, the longest ${round(held[kind].maxLagMs / 1000, 1)} s`
        );
        figures[`import_${kind}_s${suffix}`] = copyMs ? againstBaseline(ms / 1000, 's', copyMs / 1000, rows[kind]) : { value: round(ms / 1000), unit: 's', n: rows[kind] };
        figures[`import_${kind}_rows_per_s${suffix}`] = copyMs
          ? againstBaseline(perSecond, 'rows/s', (rows[kind] / copyMs) * 1000, rows[kind])
          : { value: round(perSecond), unit: 'rows/s', n: rows[kind] };
      }
    } finally {
      await horizon.stop();
    }
    figures[`sync_horizon_held_s${suffix}`] = againstBaseline(held.readings!.maxLagMs / 1000, 's', held.quiet!.maxLagMs / 1000, held.readings!.writes);
    figures[`sync_held_back_writes${suffix}`] = { value: held.readings!.heldBack, unit: 'writes', baseline: held.readings!.writes, n: held.readings!.writes };
    figures[`sync_horizon_held_bills_s${suffix}`] = againstBaseline(held.bills!.maxLagMs / 1000, 's', held.quiet!.maxLagMs / 1000, held.bills!.writes);

    await db.execute(sql`vacuum analyze`);
    const [size] = await selectRows<{ bytes: string }>(db, sql`select pg_database_size(current_database())::text as bytes`);
    const tables = await selectRows<{ name: string; bytes: string }>(
      db,
      sql`select relname as name, pg_total_relation_size(oid)::text as bytes from pg_class where relkind = 'r' and relnamespace = 'public'::regnamespace order by pg_total_relation_size(oid) desc limit 6`
    );
    progress(`database ${round(Number(size!.bytes) / 2 ** 20)} MB: ${tables.map((table) => `${table.name} ${round(Number(table.bytes) / 2 ** 20)} MB`).join(', ')}`);
    figures[`database_size_mb${suffix}`] = againstBaseline(Number(size!.bytes) / 2 ** 20, 'MB', fileBytes / 2 ** 20, rows.readings);

    progress(`members: one faucet in ${MEMBER_SHARE} with an account and a device, and a company account of ${COMPANY_FAUCETS} faucets`);
    const { devices, members, company } = await makeMembers(db, push);
    const config = benchConfig(pushEnv);
    const deps = serviceDeps(db, config);
    progress('the company\'s first pull and no-change pull, and the staff search');
    const measured = await measureQueries(deps, company, faucets);
    progress(`  ${JSON.stringify(measured)} (at ${SMALL_FAUCETS} faucets: ${JSON.stringify(small)})`);
    figures[`sync_first_pull_ms${suffix}`] = againstBaseline(measured.firstPullMs, 'ms', small.firstPullMs, COMPANY_FAUCETS * MONTHS);
    figures[`sync_first_pull_bytes${suffix}`] = againstBaseline(measured.firstPullBytes, 'bytes', small.firstPullBytes);
    figures[`sync_noop_pull_ms${suffix}`] = againstBaseline(measured.noopPullMs, 'ms', small.noopPullMs, PULLS);
    figures[`sync_noop_pull_bytes${suffix}`] = againstBaseline(measured.noopPullBytes, 'bytes', small.noopPullBytes);
    figures[`staff_search_p95_ms${suffix}`] = againstBaseline(measured.searchP95Ms, 'ms', small.searchP95Ms, SEARCHES);

    stopWorker = startNoticeWorker({ db, config, logger: deps.logger, mailer: deps.mailer, pushAgent: agent.agent }).stop;
    progress(`a monthly bills import (${faucets.toLocaleString('en')} rows, ${benchPeriod(FIRST_YEAR, MONTHS)}), then the worker until ${members.toLocaleString('en')} pushes arrive`);
    const before = push.received.length;
    const started = performance.now();
    const importMs = await timedImport(db, 'bills', monthly.bills, 'monthly');
    const committedAt = performance.now();
    const [made] = await selectRows<{ count: number }>(db, sql`select count(*)::int as count from notices where period = ${benchPeriod(FIRST_YEAR, MONTHS)}`);
    // A delivery the worker gave up on never arrives: past 20 minutes the figure counts those that did (its n).
    const { at: sentAt, arrived } = await arrivals(push, before, members, 20 * 60_000);
    const sendSeconds = (sentAt - committedAt) / 1000;
    await stopWorker();
    stopWorker = undefined;
    progress(`  import ${round(importMs / 1000, 1)} s, ${made!.count} notices made; ${arrived} pushes arrived, the last ${round(sendSeconds, 1)} s after the commit (${round((sentAt - started) / 1000, 1)} s in all)`);
    // The baseline: a bare web-push loop to a quarter of the same devices, at the worker's concurrency, scaled to all of them.
    const sample = devices.slice(0, Math.ceil(members / 4));
    const vapid = await vapidKeys(db, config);
    const facts: NoticeFacts = { topic: 'bill', faucetNo: benchFaucetNo(0), period: benchPeriod(FIRST_YEAR, MONTHS), total: 6000, dueDate: '2026-01-28', transferDate: '2026-01-26', corrected: false };
    const payload = JSON.stringify(
      pushPayload({ id: 1, facts }, { origin: config.origin, locale: 'ja', contact: { section: config.profile.section, phone: config.profile.phone }, unread: 1 })
    );
    const bareStarted = performance.now();
    await bareWebPushLoop(sample, payload, webPushOptions(vapid, agent.agent), defaultTuning.concurrency);
    const bareSeconds = ((performance.now() - bareStarted) / 1000) * (members / sample.length);
    figures[`monthly_bills_import_s${suffix}`] = { value: round(importMs / 1000, 2), unit: 's', n: faucets };
    // One bill notice for every linked faucet (the members' and the company's); pushes go to the members' devices.
    const linked = members + COMPANY_FAUCETS;
    figures[`notices_made${suffix}`] = { value: made!.count, unit: 'notices', baseline: linked, ratio: round(made!.count / linked, 3), n: faucets };
    figures[`notices_sent_s${suffix}`] = againstBaseline(sendSeconds, 's', bareSeconds, arrived);
    return figures;
  } finally {
    await stopWorker?.();
    agent.agent.destroy();
    await large.drop();
    await push.stop();
    // Some 700 MB of files and their resolved copies: not left in the temp folder.
    for (const written of [files.customers, monthly.bills]) rmSync(path.dirname(written), { recursive: true, force: true });
  }
}
