import { sql } from 'drizzle-orm';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { selectRows } from '../../db/client.js';
import type { ServiceDeps } from '../../service-deps.js';
import { contractRunningOn } from '../faucets/contract-term.js';
import { deliveryFigures, type DeliveryFigures } from '../notices/deliveries.js';

export const OVERVIEW_DAYS = 7;

export interface Overview extends DeliveryFigures {
  members: number;
  linkedFaucets: number;
  /** Faucets with a contract running today. */
  faucetsInContract: number;
  /** Of those, how many get no paper slip now: their latest paper-slip change in effect says paperless. */
  paperlessFaucets: number;
}

/** The staff console's overview: a handful of counts, one statement each, read in one snapshot. */
export async function overview(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<Overview> {
  const today = tokyoDate(deps.now);
  const since = new Date(deps.now.getTime() - OVERVIEW_DAYS * 24 * 3600_000);
  return deps.db.transaction(
    async (tx) => {
      const [counts] = await selectRows<Omit<Overview, keyof DeliveryFigures>>(
        tx,
        sql`select
          (select count(*)::int from customers) as "members",
          (select count(*)::int from faucet_links) as "linkedFaucets",
          (select count(distinct faucet_id)::int from contracts where ${contractRunningOn(today)}) as "faucetsInContract",
          (select count(*)::int from (
            select distinct on (faucet_id) faucet_id, paperless from paper_slip_changes
            where effective_on <= ${today} order by faucet_id, effective_on desc, id desc) latest
            where latest.paperless) as "paperlessFaucets"`
      );
      return { ...counts!, ...(await deliveryFigures(tx, since)) };
    },
    // One snapshot, so the rates compare counts of the same moment.
    { isolationLevel: 'repeatable read', accessMode: 'read only' }
  );
}
