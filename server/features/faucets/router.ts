import { z } from 'zod';
import { inputFields } from '../../http/input-text.js';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { addFaucet, labelFaucet, removeFaucet } from './service.js';

const { faucetNo, label, phone, rowId } = inputFields;
const linkId = z.object({ linkId: rowId });

export const faucetsRouter = router({
  add: customerProcedure
    .input(z.object({ faucetNo, phone, label: label.nullable(), consent: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await addFaucet(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
      return { ok: true };
    }),
  // clientId: the id the device's outbox gave the change, so that a resend changes nothing.
  label: customerProcedure.input(linkId.extend({ label, clientId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const { repeated } = await labelFaucet(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
    return { ok: true, repeated };
  }),
  remove: customerProcedure.input(linkId).mutation(async ({ ctx, input }) => {
    await removeFaucet(serviceDeps(ctx), ctx.customerId, input.linkId);
    return { ok: true };
  })
});
