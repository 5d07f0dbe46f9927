import { api } from '$lib/api';
import { localDb, type ChangeOf } from '$lib/local/db';
import type { OutboxHandler } from '$lib/sync/outbox';

/** A faucet's new name: on the device's copy at once, then to the server with its outbox id. */
export const faucetLabelHandler: OutboxHandler<ChangeOf<'faucet-label'>> = {
  writes: () => [localDb.faucets],
  async apply({ linkId, label }) {
    await localDb.faucets.update(linkId, { label });
  },
  async send({ linkId, label }, id) {
    const { repeated } = await api.faucets.label.mutate({ linkId, label: label ?? '', clientId: id });
    // The server had it already (an answer was lost) and left it as it was: the device may show it wrongly.
    return repeated ? linkId : null;
  },
  // The server's name stands: the faucet is pulled afresh.
  refused: async ({ change }) => change.linkId
};
