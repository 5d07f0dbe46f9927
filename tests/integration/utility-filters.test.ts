import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type postgres from 'postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { driverClient, selectRows } from '../../server/db/client.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { exportApprovedChanges, exportPaperSlipChanges } from '../../server/features/exports/service.js';
import { importFiles, type ImportFile } from '../../server/features/imports/service.js';
import { runNoticeWorkerOnce } from '../../server/jobs/notice-worker.js';
import { pruneExpired } from '../../server/jobs/prune.js';
import { makeTransferNotices } from '../../server/jobs/transfer-notices.js';
import { createLogger } from '../../server/log/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { appRouter } from '../../server/router.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { loopbackFetch, signUp, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { billLine, customerLine, headers, importRules, noticeRules, readingLine, writeCsv } from './support/import-files.js';
import { procedureSamples } from './support/procedure-samples.js';
import { signInStaff } from './support/staff.js';
import { startUtilities, type HostedUtility, type Utilities } from './support/utilities.js';

/**
 * Issue 29, item 6: every statement the portal sends names its utility by value, so that a
 * distributed PostgreSQL (Citus, tables distributed by utility_id) routes it to the one node
 * holding that utility. Row-level security holds a share to its rows too, but through
 * current_setting(), which Citus cannot route on. The shares' statements are recorded while a
 * utility's people, staff and jobs use the portal; each is then planned as the owner, whom the
 * policies do not hold, so only the statement's own conditions appear: every scan of a
 * utility's table must compare utility_id with a parameter or a constant. A join that equates
 * the two sides' utility_id gets the condition on both sides (the planner carries the constant
 * over); one that does not leaves a scan without it.
 *
 * Exempt: the tables of the deployment as a whole (below), which the shares read too (the
 * code-hash key of server_secrets); and, not recorded since they run on the owner's handle,
 * the migrations and the check that a share's role is held to the policies. Statements on no table (advisory locks keyed by current_setting('app.utility'),
 * analyze_tables()) touch no table of a utility: they run where they are sent, on Citus the coordinator.
 */

/** The tables of the deployment as a whole: not a utility's, and not distributed by one (reference tables on Citus). */
const deploymentWide = ['__drizzle_migrations', 'server_secrets'];

interface Sent {
  utility: string;
  statement: string;
  parameters: readonly unknown[];
}

const sent: Sent[] = [];
let deployment: Utilities;
/** The second utility, not the one a connection without its own utility would fall back to. */
let minami: HostedUtility;

const logger = createLogger('silent');
const DAY_MS = 24 * 3600_000;

beforeAll(async () => {
  deployment = await startUtilities(undefined, (utility, statement, parameters) => sent.push({ utility, statement, parameters }));
  minami = deployment.utilities[1]!;
}, 60_000);

afterAll(async () => {
  await deployment?.close();
});

/** A procedure sent as the browser does, with the member's and the staff member's cookies both: its own reads the one it needs. */
async function send(utility: HostedUtility, path: string, cookies: string): Promise<number> {
  const { type, input } = procedureSamples[path]!;
  const url = `http://${utility.host}:${deployment.port}/api/trpc/${path}`;
  const body = input === undefined ? undefined : JSON.stringify(input);
  const headers: Record<string, string> = { Origin: utility.origin, Cookie: cookies };
  const response =
    type === 'query'
      ? await loopbackFetch(body === undefined ? url : `${url}?input=${encodeURIComponent(body)}`, { headers })
      : await loopbackFetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
  await response.text();
  return response.status;
}

/** What a utility's people, staff and jobs do, each once: every procedure, an import, a pull from a cursor, the notices worker, the exports, pruning. */
async function useThePortal(utility: HostedUtility) {
  const now = new Date();
  const period = tokyoDate(now).slice(0, 7);
  const faucets = ['40000001', '40000002', '40000003'];
  const importing = async (files: ImportFile[]) =>
    expect((await importFiles({ db: utility.db, now }, files, { rules: importRules, notices: noticeRules, ranBy: 'test' })).status).toBe('imported');
  await importing([{ kind: 'customers', path: writeCsv([headers.customers, ...faucets.map((faucetNo) => customerLine(faucetNo, '2020-04-01'))]) }]);

  const member: Client = utility.client();
  await signUp(utility, member, 'member@minami.example.jp', { faucetNo: faucets[0]!, phone: '01654-2-0001' });
  await member.api.faucets.add.mutate({ faucetNo: faucets[1]!, phone: '01654-2-0001', label: '実家', consent: true });
  const first = await member.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] });
  const linkId = first.faucets![0]!.linkId;
  await member.api.procedures.file.mutate({
    clientId: crypto.randomUUID(),
    linkId,
    kind: 'billing-address',
    fields: { name: '南 花子', postalCode: '096-8686', address: '南町1丁目' }
  });
  await member.api.sync.pull.query({ format: SYNC_FORMAT, cursor: first.cursor, knownLinks: [linkId] });
  const admin = await signInStaff(utility, 'admin', 'admin@minami.example.jp');
  // A clerk moves the filing on: its notice is made and queued in the same transaction.
  const [filed] = await admin.api.staff.procedures.queue.query({});
  await admin.api.staff.procedures.setStatus.mutate({ procedureId: filed!.id, status: 'processing', note: '確認中' });

  const cookies = `session=${member.cookies.get('session')}; staff_session=${admin.cookies.get('staff_session')}`;
  // The log-outs last: after them the cookies answer as none.
  const paths = Object.keys(procedureSamples).sort((a, b) => Number(a.endsWith('logout')) - Number(b.endsWith('logout')));
  for (const path of paths) expect({ path, status: await send(utility, path, cookies) }).not.toEqual({ path, status: 500 });

  // After the sign-up, so that the member hears of their readings and bills.
  await importing([
    { kind: 'readings', path: writeCsv([headers.readings, ...faucets.map((faucetNo) => readingLine(faucetNo, period, 20))]) },
    { kind: 'bills', path: writeCsv([headers.bills, ...faucets.map((faucetNo) => billLine(faucetNo, period))]) }
  ]);
  const mailer = createMailer(utility.config, logger);
  // At noon in Tokyo, out of the quiet hours, whenever the test runs.
  const noon = new Date(`${tokyoDate(new Date(now.getTime() + DAY_MS))}T12:00:00+09:00`);
  expect((await runNoticeWorkerOnce({ db: utility.db, config: utility.config, mailer, logger }, noon)).sent).toBeGreaterThan(0);
  await mailer.idle();
  await makeTransferNotices(utility.db, utility.profile, now);
  const calendar = createBusinessCalendar(utility.profile.closingDays);
  await exportPaperSlipChanges({ db: utility.db, now }, { calendar, deliver: async () => {} });
  await exportApprovedChanges({ db: utility.db, now }, { calendar, deliver: async () => {} });
  await pruneExpired(utility.db, now);
  await utility.mailsSent();
}

/** A plan node of EXPLAIN (FORMAT JSON), as far as this test reads it. */
interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  Alias?: string;
  Plans?: PlanNode[];
  [condition: string]: unknown;
}

const CONDITIONS = ['Index Cond', 'Recheck Cond', 'Filter', 'TID Cond'];
/**
 * utility_id compared with a value (a bound parameter, or a constant the planner put in its
 * place), or with the utility_id of the row it is joined to or correlated with: the inner side
 * of a join within one utility, whose outer side is held to it by value (checked in its turn).
 */
const NAMES_A_UTILITY = /\butility_id = (\$\d+|'[^']*'(::text)?|(\w+\.)?utility_id\b)|(\$\d+|'[^']*'(::text)?) = (\w+\.)?utility_id\b/;

/** The scans of a utility's table in a plan that do not hold it to a utility by value. */
function unheldScans(node: PlanNode, utilityTables: Set<string>): string[] {
  const inner = (node.Plans ?? []).flatMap((child) => unheldScans(child, utilityTables));
  const relation = node['Relation Name'];
  if (!relation || !utilityTables.has(relation) || node['Node Type'] === 'ModifyTable') return inner;
  // A bitmap heap scan's conditions are its index scans'.
  const conditions = [node, ...(node['Node Type'] === 'Bitmap Heap Scan' ? (node.Plans ?? []) : [])].flatMap((scan) => CONDITIONS.map((key) => scan[key]).filter(Boolean));
  return conditions.some((condition) => NAMES_A_UTILITY.test(String(condition))) ? inner : [...inner, `${node['Node Type']} on ${relation}: ${conditions.join(' / ') || 'no condition'}`];
}

const PLANNED = /^\s*(select|insert|update|delete|with)\b/i;
const STAGING = /^\s*create temp table/i;

/**
 * Each statement planned as the owner, with the parameters it was sent with, in one transaction
 * undone at the end: the import's temporary staging tables are made again there, as recorded.
 */
async function planEach(statements: Sent[]): Promise<{ statement: string; unheld: string[] }[]> {
  const owner = driverClient(deployment.ownerDb);
  const utilityTables = new Set(
    (
      await selectRows<{ name: string }>(
        deployment.ownerDb,
        sql`select table_name as name from information_schema.columns where table_schema = 'public' and column_name = 'utility_id'`
      )
    ).map(({ name }) => name)
  );
  // What the portal did reached every table of a utility: none is left out of the check.
  expect([...utilityTables].filter((table) => !statements.some(({ statement }) => new RegExp(`\\b${table}\\b`).test(statement))).sort()).toEqual([]);
  const found: { statement: string; unheld: string[] }[] = [];
  const planAll = async (run: (text: string, parameters: readonly unknown[]) => Promise<Record<string, unknown>[]>) => {
    for (const { statement, parameters } of statements) {
      if (STAGING.test(statement)) {
        await run(`drop table if exists ${/create temp table (\w+)/i.exec(statement)![1]}`, []);
        await run(statement, []);
      } else if (PLANNED.test(statement)) {
        await run('savepoint planning', []);
        try {
          const [row] = await run(`explain (format json) ${statement}`, parameters);
          const [{ Plan }] = row!['QUERY PLAN'] as [{ Plan: PlanNode }];
          found.push({ statement, unheld: unheldScans(Plan, utilityTables) });
        } catch (error) {
          found.push({ statement, unheld: [`not planned: ${(error as Error).message}`] });
        } finally {
          await run('rollback to savepoint planning', []);
        }
      }
    }
  };
  if (owner instanceof PGlite) {
    await owner.transaction(async (tx) => {
      await planAll(async (text, parameters) => (await tx.query<Record<string, unknown>>(text, [...parameters])).rows);
      await tx.rollback();
    });
  } else {
    const client = owner as postgres.Sql;
    await client
      .begin(async (tx) => {
        await planAll(async (text, parameters) => [...(await tx.unsafe(text, parameters as postgres.ParameterOrJSON<never>[]))]);
        throw new Undone();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Undone)) throw error;
      });
  }
  return found;
}

class Undone extends Error {}

it(`names the utility by value in every statement on a utility's table, on ${driverName}`, async () => {
  const tables = await selectRows<{ name: string; utility: boolean }>(
    deployment.ownerDb,
    sql`select t.tablename as name, exists (select from information_schema.columns c where c.table_schema = 'public' and c.table_name = t.tablename and c.column_name = 'utility_id') as utility
      from pg_tables t where t.schemaname in ('public', 'drizzle') order by 1`
  );
  expect(tables.filter(({ utility }) => !utility).map(({ name }) => name)).toEqual(deploymentWide);

  await useThePortal(minami);
  expect(new Set(sent.map(({ utility }) => utility))).toEqual(new Set([minami.profile.id]));
  expect(Object.keys(procedureSamples).sort()).toEqual(Object.keys(appRouter._def.procedures).sort());

  // Each statement once, where it was first sent, with the parameters it was last sent with.
  const distinct = [...new Map(sent.map((one) => [one.statement, one])).values()];
  const planned = await planEach(distinct);
  expect(planned.length).toBeGreaterThan(100);
  const unheld = planned.filter(({ unheld }) => unheld.length > 0).map(({ statement, unheld }) => ({ statement: statement.replace(/\s+/g, ' ').slice(0, 300), unheld }));
  expect(unheld).toEqual([]);
}, 120_000);
