import { z } from 'zod';
import { customerProcedure, router } from '../../trpc.js';
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
    .query(({ ctx, input }) => pull(ctx.database.db, ctx.customerId, input))
});
