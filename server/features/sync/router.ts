import { z } from 'zod';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { pull } from './service.js';

export const syncRouter = router({
  pull: customerProcedure
    .input(
      z.object({
        format: z.number().int(),
        cursor: z.number().int().nonnegative().nullable(),
        knownLinks: z.array(z.number().int().positive()).max(100)
      })
    )
    .query(({ ctx, input }) => pull(serviceDeps(ctx), ctx.customerId, input))
});
