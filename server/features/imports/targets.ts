import { sql, type SQL } from 'drizzle-orm';
import { rowColumns } from '../../../src/lib/shared/billing-rows.js';
import type { UtilityProfile } from '../../config.js';
import { UTILITY, withUtility } from '../../db/in-utility.js';
import { CURRENT_TRANSACTION_VERSION } from '../../db/schema.js';
import type { ImportKind, Reason } from '../../domain/import-rows.js';
import { contractStartCheck, contractStatements } from '../contracts/customers-import.js';
import { noticesOfUpsert, usageAlerts } from '../notices/import-notices.js';
import { dataColumns, type DataColumn } from './staging.js';

/** A refusal only the database can find, once the whole file is staged. */
export interface DatabaseCheck {
  /** Returns (line, column, value, ja, en) for every row the database refuses; names the utility as UTILITY (db/in-utility.ts). */
  sql: string;
  /** What the lines beyond the report's listed ones are counted by. */
  rule: Reason;
  /** Looks for a key written twice: needless for a file read by COPY whose keys were seen to ascend. */
  repeatedKey?: true;
}

/** What applying a file needs beside the file: the import's clock and the profile's notice thresholds. */
export interface ApplyContext {
  now: Date;
  utility: string;
  notices: UtilityProfile['notices'];
}

/**
 * How each import file reaches its tables: a temporary staging table filled in batches,
 * set-based checks against what the database already holds, and set-based statements that
 * apply the file. All SQL here is built from the constants below, never from file content.
 */
export interface Target {
  /** The staging table, analysed once filled: a temp table has no statistics to plan the checks by. */
  table: string;
  /** The tables applying a file writes, analysed after the import so the next plans see the new rows. */
  touched: string[];
  createStaging: string;
  /** Completed with `(<json>::json) as input(<stagingColumnList>)`. */
  insertStaging: string;
  stagingColumnList: string;
  databaseChecks: DatabaseCheck[];
  /** Each returns one row with optional inserted / updated counts. */
  apply: ((context: ApplyContext) => SQL)[];
}

/** The staging table the checked rows go to (each as staging.ts's stagingRecord makes it). */
function stagingParts(kind: ImportKind, columns: DataColumn[]) {
  const table = `staging_${kind}`;
  const list = ['line int', 'faucet_no text', ...columns.map((column) => `${column.column} ${column.type}`)].join(', ');
  return {
    table,
    createStaging: `create temp table ${table} (${list}) on commit drop`,
    insertStaging: `insert into ${table} select * from json_to_recordset`,
    stagingColumnList: list
  };
}

/** A key twice in one file is a mistake, not a correction: which of the two would be right? */
const repeatedKeyCheck = (table: string, keyColumns: string[]): DatabaseCheck => ({
  sql: `
    select line, '${keyColumns.join('+')}' as column, ${keyColumns.join(" || ' ' || ")} as value,
      first_line || '行目と同じキーです' as ja, 'the same key as line ' || first_line as en
    from (select *, min(line) over (partition by ${keyColumns.join(', ')}) as first_line from ${table}) keyed
    where line <> first_line`,
  rule: { ja: '同じキーが前の行にあります', en: 'the same key as an earlier line' },
  repeatedKey: true
});

const unknownFaucet: Reason = {
  ja: '水栓番号が登録されていません（お客様ファイルにありません）',
  en: 'unknown faucet number (not in the customers file)'
};

const unknownFaucetCheck = (table: string): DatabaseCheck => ({
  sql: `
    select s.line, 'faucet_no' as column, s.faucet_no as value, '${unknownFaucet.ja}' as ja, '${unknownFaucet.en}' as en
    from ${table} s
    where not exists (select 1 from faucets f where f.utility_id = ${UTILITY} and f.faucet_no = s.faucet_no)`,
  rule: unknownFaucet
});

/**
 * Readings, bills and payments: one row per faucet and period, replaced when it changes. The
 * rows the upsert inserts or changes make their notices in the same statement.
 */
function periodTarget(kind: 'readings' | 'bills' | 'payments'): Target {
  const columns = dataColumns(rowColumns[kind]);
  const parts = stagingParts(kind, columns);
  const names = columns.map((column) => column.column);
  const assignments = names
    .filter((name) => name !== 'period')
    .map((name) => `${name} = s.${name}`)
    .join(', ');
  return {
    ...parts,
    touched: [kind, 'notices'],
    databaseChecks: [repeatedKeyCheck(parts.table, ['faucet_no', 'period']), unknownFaucetCheck(parts.table)],
    apply: [
      // One join of the file with the table finds the rows that are new or differ; an unchanged
      // row is compared, never written. The changed ones are updated and the new ones inserted
      // plainly, cheaper than one ON CONFLICT upsert. Every part reads the table as it was before
      // the statement, and the checks have ruled out a key twice in the file, so no row is both.
      // The notices and the counts read `differing` too: the writes return nothing, which spares
      // a second copy of every row.
      ({ now, utility }) => sql`with differing as materialized (${withUtility(`
        select f.utility_id, f.id as faucet_id, ${names.map((name) => `s.${name}`).join(', ')}, stored.faucet_id is null as inserted
        from ${parts.table} s join faucets f on f.utility_id = ${UTILITY} and f.faucet_no = s.faucet_no
        left join ${kind} stored on stored.utility_id = f.utility_id and stored.faucet_id = f.id and stored.period = s.period
        where stored.faucet_id is null
          or (${names.map((name) => `stored.${name}`).join(', ')}) is distinct from (${names.map((name) => `s.${name}`).join(', ')})`, utility)}
      ), updating as (${withUtility(`
        update ${kind} t set ${assignments}, version = ${CURRENT_TRANSACTION_VERSION}
        from differing s
        where not s.inserted and t.utility_id = ${UTILITY} and t.faucet_id = s.faucet_id and t.period = s.period`, utility)}
      ), inserting as (${sql.raw(`
        insert into ${kind} (faucet_id, ${names.join(', ')})
        select faucet_id, ${names.join(', ')} from differing where inserted`)}
      ), noticed as (${noticesOfUpsert(kind, utility, now)})
      select count(*) filter (where inserted)::int as inserted,
             count(*) filter (where not inserted)::int as updated
      from differing`,
      // Usage alerts compare with earlier readings, which may come in the same file: after the upsert.
      ...(kind === 'readings' ? [({ now, utility, notices }: ApplyContext) => usageAlerts(utility, now, notices.usageAlert)] : [])
    ]
  };
}

/**
 * Customers: one row per faucet, carrying its current contract. The same contract_start
 * updates that contract; a later one is a new holder: a new contract starts and the previous
 * one ends the day before, so neither holder sees the other's periods. An earlier one would
 * reopen a past holder's window, so it is refused.
 */
function customersTarget(): Target {
  const contractColumns = dataColumns(rowColumns.customers);
  const parts = stagingParts('customers', contractColumns);
  const names = contractColumns.map((column) => column.column);
  const joinFaucet = `${parts.table} s join faucets f on f.utility_id = ${UTILITY} and f.faucet_no = s.faucet_no`;
  return {
    ...parts,
    touched: ['faucets', 'contracts'],
    databaseChecks: [
      repeatedKeyCheck(parts.table, ['faucet_no']),
      contractStartCheck(joinFaucet)
    ],
    apply: [
      `with added as (
         insert into faucets (faucet_no) select faucet_no from ${parts.table}
         on conflict (utility_id, faucet_no) do nothing returning 1
       ) select count(*)::int as faucets from added`,
      ...contractStatements(joinFaucet, names)
    ].map((statement) => ({ utility }: ApplyContext) => withUtility(statement, utility))
  };
}

export const targets: Record<ImportKind, Target> = {
  customers: customersTarget(),
  readings: periodTarget('readings'),
  bills: periodTarget('bills'),
  payments: periodTarget('payments')
};
