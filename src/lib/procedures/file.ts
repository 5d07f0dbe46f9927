import type { ProcedureContent } from '$lib/shared/procedure-form';
import type { SyncedFaucet } from '$lib/shared/sync-wire';
import { makeChange } from '$lib/sync/change';

/**
 * Files a procedure checked on the device: into the outbox first, so it holds offline and is
 * sent exactly once. Returns its outbox id, which is also its client id on the server.
 */
export function fileProcedure(faucet: SyncedFaucet, content: ProcedureContent, fields: Record<string, string>): Promise<string> {
  return makeChange({ kind: 'procedure-file', linkId: faucet.linkId, faucetNo: faucet.faucetNo, content, fields });
}
