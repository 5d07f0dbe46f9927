import { CURRENT_TRANSACTION_VERSION } from '../../db/schema.js';
import type { DatabaseCheck } from '../imports/targets.js';

/**
 * How a customers file changes contracts, as the import's statements over its staged rows
 * (`staged`: the staging table as `s` joined to its faucet, of the utility, as `f`). The same contract_start
 * updates that contract; a later one is a new holder: a new contract starts and the previous
 * one ends the day before, so neither holder sees the other's periods. An earlier one would
 * reopen a past holder's window, so it is refused.
 */

/** Refuses a row whose contract_start comes before the faucet's current contract. */
export function contractStartCheck(staged: string): DatabaseCheck {
  return {
    sql: `select s.line, 'contract_start' as column, s.contract_start::text as value,
       '現在の契約の開始日（' || current.contract_start || '）より前の日付です。名義変更は新しい開始日で登録してください' as ja,
       'before the start of the current contract (' || current.contract_start || '); a new holder needs a later start' as en
     from ${staged}
     join lateral (
       select contract_start from contracts where utility_id = f.utility_id and faucet_id = f.id order by contract_start desc limit 1
     ) current on true
     where s.contract_start < current.contract_start`,
    rule: { ja: '現在の契約の開始日より前の日付です', en: 'before the start of the current contract' }
  };
}

/** Updates, ends and starts contracts from the staged rows' `columns`; each statement answers its count. */
export function contractStatements(staged: string, columns: string[]): string[] {
  const sameContract = `c.utility_id = f.utility_id and c.faucet_id = f.id and c.contract_start = s.contract_start`;
  return [
    `with changed as (
       update contracts c set ${columns.map((name) => `${name} = s.${name}`).join(', ')}, version = ${CURRENT_TRANSACTION_VERSION}
       from ${staged}
       where ${sameContract}
         and (${columns.map((name) => `c.${name}`).join(', ')}) is distinct from (${columns.map((name) => `s.${name}`).join(', ')})
       returning 1
     ) select count(*)::int as updated from changed`,
    `with ended as (
       update contracts c set contract_end = s.contract_start - 1, version = ${CURRENT_TRANSACTION_VERSION}
       from ${staged}
       where c.utility_id = f.utility_id and c.faucet_id = f.id and c.contract_start < s.contract_start
         and (c.contract_end is null or c.contract_end >= s.contract_start)
         and not exists (select 1 from contracts same where same.utility_id = f.utility_id and same.faucet_id = f.id and same.contract_start = s.contract_start)
       returning 1
     ) select count(*)::int as ended from ended`,
    `with started as (
       insert into contracts (faucet_id, ${columns.join(', ')})
       select f.id, ${columns.map((name) => `s.${name}`).join(', ')}
       from ${staged}
       where not exists (select 1 from contracts c where ${sameContract})
       returning 1
     ) select count(*)::int as inserted from started`
  ];
}
