/**
 * The periods a contract's holder sees, as SQL text for the statements that make notices for
 * every holder at once (features/notices/make.ts). The same window as
 * server/domain/visibility.ts, which the sync applies.
 */

/** The first period: the start month when the contract starts on the 1st, else the month after (firstVisiblePeriod). */
const firstVisiblePeriod = (contractStart: string) =>
  `case when extract(day from ${contractStart}) = 1 then to_char(${contractStart}, 'YYYY-MM')
     else to_char(${contractStart} + interval '1 month', 'YYYY-MM') end`;

/** The last, as lastVisiblePeriod: the month the contract ended in, none while it runs. */
const lastVisiblePeriod = (contractEnd: string) => `to_char(${contractEnd}, 'YYYY-MM')`;

/** Whether contract `c`'s holder may see the period. */
export function inWindow(period: string): string {
  return `${period} >= ${firstVisiblePeriod('c.contract_start')}
    and (c.contract_end is null or ${period} <= ${lastVisiblePeriod('c.contract_end')})`;
}

/** Joins the contracts of the faucet (the alias of a faucets row) whose holder may see the period, as `c`. */
export function contractsSeeing(faucet: string, period: string): string {
  return `join contracts c on c.utility_id = ${faucet}.utility_id and c.faucet_id = ${faucet}.id and ${inWindow(period)}`;
}
