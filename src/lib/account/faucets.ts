import { api } from '$lib/api';

export type LinkedFaucet = Awaited<ReturnType<typeof api.faucets.list.query>>[number];

export const faucets = {
  list: () => api.faucets.list.query(),
  add: (input: { faucetNo: string; phone: string; label: string; consent: boolean }) =>
    api.faucets.add.mutate({ ...input, label: input.label.trim() === '' ? null : input.label }),
  label: (linkId: number, label: string) => api.faucets.label.mutate({ linkId, label }),
  remove: (linkId: number) => api.faucets.remove.mutate({ linkId })
};
