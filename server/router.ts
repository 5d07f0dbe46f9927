import { accountRouter, signedInAccountRouter } from './features/account/router.js';
import { authRouter } from './features/auth/router.js';
import { faucetsRouter } from './features/faucets/router.js';
import { importsRouter } from './features/imports/router.js';
import { movesRouter } from './features/moves/router.js';
import { noticesRoutes } from './features/notices/router.js';
import { overviewRouter } from './features/overview/router.js';
import { staffPaperSlipsRouter } from './features/paper-slips/router.js';
import { proceduresRouter, staffProceduresRouter } from './features/procedures/router.js';
import { staffAdminRouter, staffAuthRouter } from './features/staff/router.js';
import { supportRouter } from './features/support/router.js';
import { syncRouter } from './features/sync/router.js';
import { utilityRouter } from './features/utility/router.js';
import { mergeRouters, router } from './trpc.js';

export const appRouter = router({
  utility: utilityRouter,
  auth: mergeRouters(authRouter, signedInAccountRouter),
  faucets: faucetsRouter,
  account: accountRouter,
  sync: syncRouter,
  ...noticesRoutes,
  procedures: proceduresRouter,
  moves: movesRouter,
  /** The staff console's routes: each reads the staff cookie only. */
  staff: router({ auth: staffAuthRouter, admin: staffAdminRouter, procedures: mergeRouters(staffProceduresRouter, staffPaperSlipsRouter), support: supportRouter, overview: overviewRouter, imports: importsRouter })
});

export type AppRouter = typeof appRouter;
