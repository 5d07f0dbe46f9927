import { z } from 'zod';
import { inputFields } from '../../http/input-text.js';
import { router, serviceDeps, staffProcedure } from '../../trpc.js';
import { accountDetail, proofLock, searchAccounts, unlinkFaucet, unlockFaucetProof, withdrawAccount } from './service.js';

const { faucetNo, reason, rowId: id } = inputFields;

/** Staff helping customers: find an account, see it, and the acts that need a reason. */
export const supportRouter = router({
  search: staffProcedure.input(z.object({ query: z.string().max(100) })).query(({ ctx, input }) => searchAccounts(serviceDeps(ctx), ctx.staff, input.query)),
  account: staffProcedure.input(z.object({ customerId: id })).query(({ ctx, input }) => accountDetail(serviceDeps(ctx), ctx.staff, input.customerId)),
  proofLock: staffProcedure.input(z.object({ faucetNo })).query(({ ctx, input }) => proofLock(serviceDeps(ctx), ctx.staff, input.faucetNo)),
  unlinkFaucet: staffProcedure.input(z.object({ customerId: id, linkId: id, reason })).mutation(async ({ ctx, input }) => {
    await unlinkFaucet(serviceDeps(ctx), ctx.staff, input);
    return { ok: true };
  }),
  unlockFaucetProof: staffProcedure
    .input(z.object({ faucetNo, reason }))
    .mutation(({ ctx, input }) => unlockFaucetProof(serviceDeps(ctx), ctx.staff, input)),
  withdrawAccount: staffProcedure.input(z.object({ customerId: id, reason })).mutation(async ({ ctx, input }) => {
    await withdrawAccount(serviceDeps(ctx), ctx.staff, input);
    return { ok: true };
  })
});
