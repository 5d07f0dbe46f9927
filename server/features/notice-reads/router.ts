import { z } from 'zod';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { markNoticeRead } from './service.js';

export const noticeReadsRouter = router({
  // clientId: the id the device's outbox gave the change, so that a resend changes nothing.
  mark: customerProcedure
    .input(z.object({ noticeId: z.number().int().positive().max(2 ** 31 - 1), clientId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const { repeated } = await markNoticeRead(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
      return { ok: true, repeated };
    })
});
