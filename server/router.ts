import { utilityRouter } from './features/utility/router.js';
import { router } from './trpc.js';

export const appRouter = router({
  utility: utilityRouter
});

export type AppRouter = typeof appRouter;
