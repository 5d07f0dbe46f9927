import { z } from 'zod';
import { accountOf } from '../account/service.js';
import { endSession } from '../../sessions.js';
import {
  completeSignup,
  logIn,
  proveSignupFaucet,
  requestPasswordReset,
  requestSignupCode,
  resetPassword,
  verifySignupCode
} from './service.js';
import { typedFieldNames } from '../../../src/lib/shared/typed-text.js';
import { typedText } from '../../domain/input-text.js';
import { RefusalError } from '../../errors.js';
import { publicProcedure, router, serviceDeps, signedInCustomer, type Context } from '../../trpc.js';

/**
 * Signs this browser in with a fresh session: whatever session it presented ends (rotation,
 * so a token planted before is worth nothing after, and a log-out the device could not send
 * while offline cannot leave the previous customer's session behind).
 */
async function startSession(ctx: Context, sessionToken: string): Promise<{ ok: true }> {
  if (ctx.sessionToken) await endSession(ctx.database.db, ctx.sessionToken);
  ctx.setSessionCookie(sessionToken);
  return { ok: true };
}

const text = (max: number) => z.string().max(max);
const email = z.object({ email: text(254) });

export const authRouter = router({
  me: publicProcedure.query(async ({ ctx }) => {
    const customerId = await signedInCustomer(ctx);
    return customerId === null ? null : accountOf(serviceDeps(ctx), customerId);
  }),
  signup: router({
    requestCode: publicProcedure.input(email).mutation(({ ctx, input }) => requestSignupCode(serviceDeps(ctx), input.email)),
    verifyCode: publicProcedure
      .input(z.object({ email: text(254), code: text(20) }))
      .mutation(({ ctx, input }) => verifySignupCode(serviceDeps(ctx), input.email, input.code)),
    proveFaucet: publicProcedure
      .input(z.object({ ticket: text(100), faucetNo: text(40), phone: text(40), consent: z.boolean() }))
      .mutation(({ ctx, input }) => {
        if (!input.consent) {
          throw new RefusalError(
            'bad-input',
            { ja: '契約者の同意を得たことを確認してください', en: "Confirm that you have the contract holder's consent" },
            'consent'
          );
        }
        return proveSignupFaucet(serviceDeps(ctx), input);
      }),
    complete: publicProcedure
      .input(z.object({ ticket: text(100), nickname: typedText(100, typedFieldNames.nickname), password: text(200) }))
      .mutation(async ({ ctx, input }) => {
        const { sessionToken } = await completeSignup(serviceDeps(ctx), input);
        return startSession(ctx, sessionToken);
      })
  }),
  login: publicProcedure.input(z.object({ email: text(254), password: text(200) })).mutation(async ({ ctx, input }) => {
    const { sessionToken } = await logIn(serviceDeps(ctx), input);
    return startSession(ctx, sessionToken);
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await endSession(ctx.database.db, ctx.sessionToken);
    ctx.setSessionCookie(null);
    return { ok: true };
  }),
  reset: router({
    requestCode: publicProcedure.input(email).mutation(({ ctx, input }) => requestPasswordReset(serviceDeps(ctx), input.email)),
    complete: publicProcedure
      .input(z.object({ email: text(254), code: text(20), password: text(200) }))
      .mutation(async ({ ctx, input }) => {
        const { sessionToken } = await resetPassword(serviceDeps(ctx), input);
        return startSession(ctx, sessionToken);
      })
  })
});
