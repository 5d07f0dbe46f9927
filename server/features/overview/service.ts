import { count } from 'drizzle-orm';
import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { customers } from '../../db/schema.js';
import type { ServiceDeps } from '../../service-deps.js';
import { faucetsInContractCount } from '../contracts/service.js';
import { allLinksCount } from '../faucets/links.js';
import { deliveryFigures, type DeliveryFigures } from '../notices/deliveries.js';
import { paperlessFaucetCount } from '../paper-slips/service.js';
import { inUtility } from '../../db/in-utility.js';

export const OVERVIEW_DAYS = 7;

export interface Overview extends DeliveryFigures {
  members: number;
  linkedFaucets: number;
  /** Faucets with a contract running today. */
  faucetsInContract: number;
  /** Of those, how many get no paper slip now: their latest paper-slip change in effect says paperless. */
  paperlessFaucets: number;
}

/** The staff console's overview: a handful of counts, each from its table's owner, read in one snapshot. */
export async function overview(deps: Pick<ServiceDeps, 'db' | 'now'>): Promise<Overview> {
  const today = tokyoDate(deps.now);
  const since = new Date(deps.now.getTime() - OVERVIEW_DAYS * 24 * 3600_000);
  return deps.db.transaction(
    async (tx) => {
      const [members] = await tx.select({ count: count() }).from(customers).where(inUtility(tx, customers));
      const counts = {
        members: members?.count ?? 0,
        linkedFaucets: await allLinksCount(tx),
        faucetsInContract: await faucetsInContractCount(tx, today),
        paperlessFaucets: await paperlessFaucetCount(tx, today)
      };
      return { ...counts, ...(await deliveryFigures(tx, since)) };
    },
    // One snapshot, so the rates compare counts of the same moment.
    { isolationLevel: 'repeatable read', accessMode: 'read only' }
  );
}
