import { and, eq, getTableColumns, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { billColumns, paymentColumns, readingColumns, type Column, type RowOf } from '../../../src/lib/shared/billing-rows.js';
import { SYNC_FORMAT, encodeRow, type PullRequest, type PullResponse, type SyncedFaucet, type SyncedProcedure } from '../../../src/lib/shared/sync-wire.js';
import { preparedPerDatabase, type Database } from '../../db/client.js';
import { inUtility, utilityOf } from '../../db/in-utility.js';
import { bills, payments, readings } from '../../db/schema.js';
import { noticesSince } from '../notices/reads.js';
import { proceduresMatching } from '../procedures/service.js';
import type { ServiceDeps } from '../../service-deps.js';
import { firstVisiblePeriod, lastVisiblePeriod } from '../../domain/visibility.js';

interface Window {
  link: SyncedFaucet;
  faucetId: number;
  /** The link or its contract changed since the cursor. */
  changed: boolean;
  /** Which of the faucet's tables changed since the cursor, in this window or outside it: only those are read. */
  rowsMayHaveChanged: Record<PeriodTableName, boolean>;
}

type PeriodTableName = 'readings' | 'bills' | 'payments';

interface LinkRow {
  horizon: string;
  noticesChanged: boolean;
  proceduresChanged: boolean;
  linkId: number;
  label: string | null;
  faucetId: number;
  faucetNo: string;
  supplyAddress: string | null;
  holderName: string;
  paymentMethod: 'transfer' | 'invoice';
  meterSizeMm: number | null;
  district: string | null;
  contractStart: string;
  contractEnd: string | null;
  changed: boolean;
  readingsMayHaveChanged: boolean;
  billsMayHaveChanged: boolean;
  paymentsMayHaveChanged: boolean;
}

/** A customer without faucets still gets one row, for the horizon. */
type WindowRow = LinkRow | { horizon: string; noticesChanged: boolean; proceduresChanged: boolean; linkId: null };

/**
 * The customer's windows and the horizon, in one statement and so one snapshot. The horizon
 * is the highest final version: every transaction with a smaller id has ended, so no row with
 * a smaller version can still appear, and all of them are visible to this very snapshot. Rows
 * at or above it wait for a later pull, which is what keeps a slow writer that commits after a
 * faster one from being skipped.
 *
 * Each window also says which of its faucet's tables changed since the cursor (a bills import
 * changes bills only, so a bill day's pulls read that one table), and a pull where none did
 * ends here, after one round trip; so do the customer's notices' (made or
 * read since the cursor) and procedures' (filed or moved), on every row alike. The left join keeps the horizon and that flag
 * for a customer without faucets. Takes the placeholders `customerId` and `cursor`.
 */
export function windowsQuery(db: Database) {
  const customerId = sql.placeholder('customerId');
  const utility = utilityOf(db);
  // drizzle joins a CTE only when told a column of it; the statement reads them by name.
  const pull = db
    .$with('pull', { horizon: sql`horizon`.as('horizon') })
    .as(sql`select ${sql.placeholder('cursor')}::bigint as cursor, (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint as horizon`);
  const noticeNews = db
    .$with('notice_news', { changed: sql`changed`.as('changed') })
    .as(sql`select exists (select 1 from notices n, pull where n.utility_id = ${utility} and n.customer_id = ${customerId} and n.version >= pull.cursor and n.version < pull.horizon) as changed`);
  const procedureNews = db
    .$with('procedure_news', { changed: sql`changed`.as('changed') })
    .as(sql`select exists (select 1 from procedures p, pull where p.utility_id = ${utility} and p.customer_id = ${customerId} and p.version >= pull.cursor and p.version < pull.horizon) as changed`);
  return db
    .with(pull, noticeNews, procedureNews)
    .select({
      horizon: sql<string>`pull.horizon::text`,
      noticesChanged: sql<boolean>`notice_news.changed`,
      proceduresChanged: sql<boolean>`procedure_news.changed`,
      linkId: sql<number | null>`l.id`,
      label: sql<string | null>`l.label`,
      faucetId: sql<number>`f.id`,
      faucetNo: sql<string>`f.faucet_no`,
      supplyAddress: sql<string | null>`c.supply_address`,
      holderName: sql<string>`c.holder_name`,
      paymentMethod: sql<'transfer' | 'invoice'>`c.payment_method`,
      meterSizeMm: sql<number | null>`c.meter_size_mm`,
      district: sql<string | null>`c.district`,
      contractStart: sql<string>`c.contract_start`,
      contractEnd: sql<string | null>`c.contract_end`,
      changed: sql<boolean>`(l.version >= pull.cursor and l.version < pull.horizon) or (c.version >= pull.cursor and c.version < pull.horizon)`,
      readingsMayHaveChanged: sql<boolean>`exists (select 1 from readings r where r.utility_id = f.utility_id and r.faucet_id = f.id and r.version >= pull.cursor and r.version < pull.horizon)`,
      billsMayHaveChanged: sql<boolean>`exists (select 1 from bills b where b.utility_id = f.utility_id and b.faucet_id = f.id and b.version >= pull.cursor and b.version < pull.horizon)`,
      paymentsMayHaveChanged: sql<boolean>`exists (select 1 from payments p where p.utility_id = f.utility_id and p.faucet_id = f.id and p.version >= pull.cursor and p.version < pull.horizon)`
    })
    .from(pull)
    .crossJoin(noticeNews)
    .crossJoin(procedureNews)
    .leftJoin(
      sql`(faucet_links l join contracts c on c.utility_id = l.utility_id and c.id = l.contract_id join faucets f on f.utility_id = c.utility_id and f.id = c.faucet_id)`,
      sql`l.utility_id = ${utility} and l.customer_id = ${customerId}`
    )
    .orderBy(sql`l.linked_at`, sql`l.id`);
}

/** Every pull starts with it, mostly to learn nothing changed. */
const preparedWindows = preparedPerDatabase((db) => windowsQuery(db).prepare('sync_windows'));

async function windowsOf(
  db: Database,
  customerId: number,
  cursor: number
): Promise<{ horizon: number; noticesChanged: boolean; proceduresChanged: boolean; windows: Window[] }> {
  const rows = (await preparedWindows(db).execute({ customerId, cursor })) as WindowRow[];
  const windows = rows
    .filter((row): row is LinkRow => row.linkId !== null)
    .map((row) => ({
      faucetId: row.faucetId,
      changed: row.changed,
      rowsMayHaveChanged: { readings: row.readingsMayHaveChanged, bills: row.billsMayHaveChanged, payments: row.paymentsMayHaveChanged },
      link: {
        linkId: row.linkId,
        faucetNo: row.faucetNo,
        label: row.label,
        supplyAddress: row.supplyAddress,
        holderName: row.holderName,
        paymentMethod: row.paymentMethod,
        meterSizeMm: row.meterSizeMm,
        district: row.district,
        contractStart: row.contractStart,
        fromPeriod: firstVisiblePeriod(row.contractStart),
        toPeriod: lastVisiblePeriod(row.contractEnd)
      }
    }));
  const [first] = rows;
  return { horizon: Number(first!.horizon), noticesChanged: first!.noticesChanged, proceduresChanged: first!.proceduresChanged, windows };
}

type PeriodTable = typeof readings | typeof bills | typeof payments;

/**
 * Reads a table's rows as their column list describes them, finding each column by its
 * database name, so a list that names a column the table lacks fails at start. The table
 * keeps the meter in m³, the row in tenths.
 */
function rowReader<Columns extends readonly Column[]>(table: PeriodTable, columns: Columns) {
  const keyByName = new Map(Object.entries(getTableColumns(table)).map(([key, column]) => [column.name, key]));
  const keys = columns.map((column) => {
    const key = keyByName.get(column.db);
    if (column.type !== 'faucetNo' && key === undefined) throw new Error(`${column.db} is not a column of the table`);
    return key;
  });
  return (stored: Record<string, unknown>, faucetNo: string): RowOf<Columns> =>
    Object.fromEntries(
      columns.map((column, index) => {
        if (column.type === 'faucetNo') return [column.field, faucetNo];
        const value = stored[keys[index]!];
        return [column.field, column.type === 'meterTenths' ? Math.round((value as number) * 10) : value];
      })
    ) as RowOf<Columns>;
}

const readingOf = rowReader(readings, readingColumns);
const billOf = rowReader(bills, billColumns);
const paymentOf = rowReader(payments, paymentColumns);

/** Rows of the windows' faucets inside their periods: whole history for `full`, else only versions since the cursor. */
function visibleRows(table: PeriodTable, windows: Window[], full: Set<number>, cursor: number, horizon: number): SQL | undefined {
  const conditions = windows.map(({ faucetId, link }) =>
    and(
      eq(table.faucetId, faucetId),
      gte(table.period, link.fromPeriod),
      link.toPeriod === null ? undefined : sql`${table.period} <= ${link.toPeriod}`,
      full.has(link.linkId) ? undefined : gte(table.version, cursor)
    )
  );
  return conditions.length === 0 ? undefined : and(or(...conditions), lt(table.version, horizon));
}

/** The customer's procedures below the horizon: those filed or moved since the cursor (all on a first pull), as they travel. */
async function proceduresSince(db: Database, customerId: number, cursor: number, horizon: number): Promise<SyncedProcedure[]> {
  const list = await proceduresMatching(db, { customerId, versions: { from: cursor, below: horizon } });
  return list.map((procedure) => ({
    ...procedure,
    filedAt: procedure.filedAt.toISOString(),
    updatedAt: procedure.updatedAt.toISOString(),
    history: procedure.history.map((event) => ({ ...event, at: event.at.toISOString() }))
  }));
}

/**
 * One pull: what changed for this customer since the cursor, and the complete history of
 * any faucet the device does not hold yet. Nothing changed costs one small answer.
 */
export async function pull(deps: ServiceDeps, customerId: number, request: PullRequest): Promise<PullResponse> {
  const { db, now } = deps;
  if (request.format !== SYNC_FORMAT) return { format: SYNC_FORMAT, cursor: 0, reset: true };
  const cursor = request.cursor ?? 0;
  const { horizon, noticesChanged, proceduresChanged, windows } = await windowsOf(db, customerId, cursor);
  const known = new Set(request.knownLinks);
  const full = new Set(windows.filter((window) => request.cursor === null || !known.has(window.link.linkId)).map((window) => window.link.linkId));
  const setChanged = windows.length !== known.size || full.size > 0 || windows.some((window) => window.changed);
  const response: PullResponse = { format: SYNC_FORMAT, cursor: horizon };
  if (setChanged || request.cursor === null) response.faucets = windows.map((window) => window.link);
  if (noticesChanged) {
    const list = await noticesSince(db, customerId, request.cursor, horizon, now);
    if (list.length > 0) response.notices = list;
  }
  if (proceduresChanged) {
    const list = await proceduresSince(db, customerId, cursor, horizon);
    if (list.length > 0) response.procedures = list;
  }
  // A window the device does not hold yet comes whole; the others bring what changed, table by table.
  const windowsOfTable = (name: PeriodTableName) => windows.filter((window) => full.has(window.link.linkId) || window.rowsMayHaveChanged[name]);
  const faucetNoById = new Map(windows.map((window) => [window.faucetId, window.link.faucetNo]));
  const no = (faucetId: number) => faucetNoById.get(faucetId)!;

  // Each table's rows inside its windows, below the horizon: the tables together, since they are independent.
  const visible = <T extends PeriodTable>(table: T, name: PeriodTableName): PromiseLike<T['$inferSelect'][]> => {
    const within = windowsOfTable(name);
    if (within.length === 0) return Promise.resolve([]);
    return db
      .select()
      .from(table as PeriodTable)
      .where(and(inUtility(db, table), inArray(table.faucetId, within.map((window) => window.faucetId)), visibleRows(table, within, full, cursor, horizon)))
      .orderBy(table.faucetId, table.period) as PromiseLike<T['$inferSelect'][]>;
  };
  const [readingRows, billRows, paymentRows] = await Promise.all([visible(readings, 'readings'), visible(bills, 'bills'), visible(payments, 'payments')]);

  if (readingRows.length > 0) response.readings = readingRows.map((row) => encodeRow(readingColumns, readingOf(row, no(row.faucetId))));
  if (billRows.length > 0) response.bills = billRows.map((row) => encodeRow(billColumns, billOf(row, no(row.faucetId))));
  if (paymentRows.length > 0) response.payments = paymentRows.map((row) => encodeRow(paymentColumns, paymentOf(row, no(row.faucetId))));
  return response;
}
