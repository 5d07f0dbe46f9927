import { z } from 'zod';
import { endSession } from '../../sessions/sessions.js';
import {
  completeSignup,
  logIn,
  proveSignupFaucet,
  requestPasswordReset,
  requestSignupCode,
  resetPassword,
  verifySignupCode
} from './service.js';
import { inputFields } from '../../http/input-text.js';
import { publicProcedure, router, serviceDeps, type Context } from '../../trpc.js';

/**
 * Signs this browser in with a fresh session: whatever session it presented ends (rotation,
 * so a token planted before is worth nothing after, and a log-out the device could not send
 * while offline cannot leave the previous customer's session behind).
 */
async function startSession(ctx: Context, sessionToken: string): Promise<{ ok: true }> {
  const presented = ctx.request.sessionToken;
  if (presented) await endSession(ctx.database.db, presented);
  ctx.request.setSessionCookie(sessionToken);
  return { ok: true };
}

const { code, email, faucetNo, nickname, password, phone } = inputFields;
/** What carries a proven step of sign-up on to the next. */
const ticket = z.string().max(100);

/** Sign-up, log-in, log-out and the password reset. Who is signed in (auth.me) is the account feature's. */
export const authRouter = router({
  signup: router({
    requestCode: publicProcedure.input(z.object({ email })).mutation(({ ctx, input }) => requestSignupCode(serviceDeps(ctx), input.email)),
    verifyCode: publicProcedure
      .input(z.object({ email, code }))
      .mutation(({ ctx, input }) => verifySignupCode(serviceDeps(ctx), input.email, input.code)),
    proveFaucet: publicProcedure
      .input(z.object({ ticket, faucetNo, phone, consent: z.boolean() }))
      .mutation(({ ctx, input }) => proveSignupFaucet(serviceDeps(ctx), input)),
    complete: publicProcedure
      .input(z.object({ ticket, nickname, password }))
      .mutation(async ({ ctx, input }) => {
        const { sessionToken } = await completeSignup(serviceDeps(ctx), input);
        return startSession(ctx, sessionToken);
      })
  }),
  login: publicProcedure.input(z.object({ email, password })).mutation(async ({ ctx, input }) => {
    const { sessionToken } = await logIn(serviceDeps(ctx), input);
    return startSession(ctx, sessionToken);
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const presented = ctx.request.sessionToken;
    if (presented) await endSession(ctx.database.db, presented);
    ctx.request.setSessionCookie(null);
    return { ok: true };
  }),
  reset: router({
    requestCode: publicProcedure.input(z.object({ email })).mutation(({ ctx, input }) => requestPasswordReset(serviceDeps(ctx), input.email)),
    complete: publicProcedure
      .input(z.object({ email, code, password }))
      .mutation(async ({ ctx, input }) => {
        const { sessionToken } = await resetPassword(serviceDeps(ctx), input);
        return startSession(ctx, sessionToken);
      })
  })
});
