import { holdsPull, localDb } from '$lib/local/db';

/** Everything billing the device holds, read in one transaction so a pull is never seen half done. */
export function billingCopy() {
  return localDb.transaction('r', [localDb.faucets, localDb.readings, localDb.bills, localDb.payments, localDb.meta], async () => ({
    faucets: await localDb.faucets.orderBy('linkId').toArray(),
    readings: await localDb.readings.toArray(),
    bills: await localDb.bills.toArray(),
    payments: await localDb.payments.toArray(),
    synced: await holdsPull()
  }));
}
