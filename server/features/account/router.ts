import { z } from 'zod';
import { typedFieldNames } from '../../../src/lib/shared/typed-text.js';
import { typedText } from '../../domain/input-text.js';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { changeNickname, changePassword, confirmEmailChange, requestEmailChange, withdraw } from './service.js';

export const accountRouter = router({
  changeNickname: customerProcedure.input(z.object({ nickname: typedText(100, typedFieldNames.nickname) })).mutation(async ({ ctx, input }) => {
    await changeNickname(serviceDeps(ctx), ctx.customerId, input.nickname);
    return { ok: true };
  }),
  changePassword: customerProcedure
    .input(z.object({ currentPassword: z.string().max(200), newPassword: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      const { sessionToken } = await changePassword(serviceDeps(ctx), { customerId: ctx.customerId, sessionToken: ctx.sessionToken }, input);
      ctx.setSessionCookie(sessionToken);
      return { ok: true };
    }),
  requestEmailChange: customerProcedure
    .input(z.object({ email: z.string().max(254) }))
    .mutation(({ ctx, input }) => requestEmailChange(serviceDeps(ctx), ctx.customerId, input.email)),
  confirmEmailChange: customerProcedure
    .input(z.object({ email: z.string().max(254), code: z.string().max(20) }))
    .mutation(async ({ ctx, input }) => {
      await confirmEmailChange(serviceDeps(ctx), ctx.customerId, input);
      return { ok: true };
    }),
  withdraw: customerProcedure.input(z.object({ password: z.string().max(200) })).mutation(async ({ ctx, input }) => {
    await withdraw(serviceDeps(ctx), ctx.customerId, input.password);
    ctx.setSessionCookie(null);
    return { ok: true };
  })
});
