import { router, serviceDeps, staffProcedure } from '../../trpc.js';
import { overview } from './service.js';

export const overviewRouter = router({
  get: staffProcedure.query(({ ctx }) => overview(serviceDeps(ctx)))
});
