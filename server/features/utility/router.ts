import { tokyoDate } from '../../../src/lib/shared/tokyo-time.js';
import { publicProcedure, router } from '../../trpc.js';
import { publicProfile } from './service.js';

export const utilityRouter = router({
  profile: publicProcedure.query(({ ctx }) => publicProfile(ctx.config.profile, tokyoDate(new Date())))
});
