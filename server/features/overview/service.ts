import { sql } from 'drizzle-orm';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { selectRows } from '../../db/client.js';
import type { ServiceDeps } from '../../service-deps.js';
import { contractRunningOn } from '../faucets/contract-term.js';

export const OVERVIEW_DAYS = 7;

export interface Overview {
  members: number;
  linkedFaucets: number;
  /** Faucets with a contract running today. */
  faucetsInContract: number;
  /** Of those, how many get no paper slip now: their latest paper-slip change in effect says paperless. */
  paperlessFaucets: number;
  /** Members with at least one device taking push. */
  pushMembers: number;
  /** Deliveries made in the last 7 days, by channel and state. */
  deliveries: { channel: 'push' | 'email'; sent: number; failed: number; pending: number }[];
}

/** The staff console's overview: a handful of counts, one statement each, read in one snapshot. */
export async function overview(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<Overview> {
  const today = tokyoDate(deps.now);
  const since = new Date(deps.now.getTime() - OVERVIEW_DAYS * 24 * 3600_000);
  return deps.db.transaction(
    async (tx) => {
      const [counts] = await selectRows<Omit<Overview, 'deliveries'>>(
        tx,
        sql`select
          (select count(*)::int from customers) as "members",
          (select count(*)::int from faucet_links) as "linkedFaucets",
          (select count(distinct faucet_id)::int from contracts where ${contractRunningOn(today)}) as "faucetsInContract",
          (select count(*)::int from (
            select distinct on (faucet_id) faucet_id, paperless from paper_slip_changes
            where effective_on <= ${today} order by faucet_id, effective_on desc, id desc) latest
            where latest.paperless) as "paperlessFaucets",
          (select count(distinct customer_id)::int from push_subscriptions) as "pushMembers"`
      );
      const deliveries = await selectRows<Overview['deliveries'][number]>(
        tx,
        sql`select channel,
            (count(*) filter (where state = 'sent'))::int as "sent",
            (count(*) filter (where state = 'failed'))::int as "failed",
            (count(*) filter (where state = 'pending'))::int as "pending"
          from notice_deliveries where created_at >= ${since.toISOString()}::timestamptz
          group by channel order by channel`
      );
      return { ...counts!, deliveries };
    },
    // One snapshot, so the rates compare counts of the same moment.
    { isolationLevel: 'repeatable read', accessMode: 'read only' }
  );
}
