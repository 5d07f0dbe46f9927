import { router, serviceDeps, staffProcedure } from '../../trpc.js';
import { paperSlipRequestsToday } from './service.js';

/** The staff console's list of who asked to keep the paper slip; server/router.ts mounts it beside the procedures it comes from. */
export const staffPaperSlipsRouter = router({
  paperRequests: staffProcedure.query(({ ctx }) => paperSlipRequestsToday(serviceDeps(ctx)))
});
