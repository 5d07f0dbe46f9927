import { z } from 'zod';
import { typedFieldNames } from '../../../src/lib/shared/typed-text.js';
import { typedText } from '../../domain/input-text.js';
import { RefusalError } from '../../errors.js';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { addFaucet, labelFaucet, removeFaucet } from './service.js';

// An integer column: a larger id could never match, and PostgreSQL would fail on it instead.
const linkId = z.object({ linkId: z.number().int().positive().max(2 ** 31 - 1) });

export const faucetsRouter = router({
  add: customerProcedure
    .input(z.object({ faucetNo: z.string().max(40), phone: z.string().max(40), label: typedText(40, typedFieldNames.label).nullable(), consent: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      if (!input.consent) {
        throw new RefusalError('bad-input', { ja: '契約者の同意を得たことを確認してください', en: "Confirm that you have the contract holder's consent" }, 'consent');
      }
      await addFaucet(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
      return { ok: true };
    }),
  // clientId: the id the device's outbox gave the change, so that a resend changes nothing.
  label: customerProcedure.input(linkId.extend({ label: typedText(40, typedFieldNames.label), clientId: z.uuid() })).mutation(async ({ ctx, input }) => {
    const { repeated } = await labelFaucet(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
    return { ok: true, repeated };
  }),
  remove: customerProcedure.input(linkId).mutation(async ({ ctx, input }) => {
    await removeFaucet(serviceDeps(ctx), ctx.customerId, input.linkId);
    return { ok: true };
  })
});
