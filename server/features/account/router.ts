import { z } from 'zod';
import { inputFields } from '../../http/input-text.js';
import { customerProcedure, publicProcedure, router, serviceDeps, signedInCustomer } from '../../trpc.js';
import { accountOf, changeNickname, changePassword, confirmEmailChange, requestEmailChange, withdraw } from './service.js';

const { code, email, nickname, password } = inputFields;

/**
 * Who is signed in: the account's address and nickname, or null. Public, as the app asks before
 * it knows; server/router.ts mounts it at auth.me, where the app has always asked.
 */
export const signedInAccountRouter = router({
  me: publicProcedure.query(async ({ ctx }) => {
    const customerId = await signedInCustomer(ctx);
    return customerId === null ? null : accountOf(serviceDeps(ctx), customerId);
  })
});

export const accountRouter = router({
  changeNickname: customerProcedure.input(z.object({ nickname })).mutation(async ({ ctx, input }) => {
    await changeNickname(serviceDeps(ctx), ctx.customerId, input.nickname);
    return { ok: true };
  }),
  changePassword: customerProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      const { sessionToken } = await changePassword(serviceDeps(ctx), { customerId: ctx.customerId, sessionToken: ctx.sessionToken }, input);
      ctx.request.setSessionCookie(sessionToken);
      return { ok: true };
    }),
  requestEmailChange: customerProcedure
    .input(z.object({ email }))
    .mutation(({ ctx, input }) => requestEmailChange(serviceDeps(ctx), ctx.customerId, input.email)),
  confirmEmailChange: customerProcedure
    .input(z.object({ email, code }))
    .mutation(async ({ ctx, input }) => {
      await confirmEmailChange(serviceDeps(ctx), ctx.customerId, input);
      return { ok: true };
    }),
  withdraw: customerProcedure.input(z.object({ password })).mutation(async ({ ctx, input }) => {
    await withdraw(serviceDeps(ctx), ctx.customerId, input.password);
    ctx.request.setSessionCookie(null);
    return { ok: true };
  })
});
