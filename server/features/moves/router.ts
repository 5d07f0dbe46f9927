import { z } from 'zod';
import { inputFields } from '../../http/input-text.js';
import { publicProcedure, router, serviceDeps } from '../../trpc.js';
import { fileMoveIn, requestMoveInCode, verifyMoveInCode } from './service.js';

const { code, email } = inputFields;

/** 使用開始 for anyone: confirm the e-mail with a code, then file. 使用中止 is a member's procedure (procedures.file). */
export const movesRouter = router({
  requestCode: publicProcedure.input(z.object({ email })).mutation(({ ctx, input }) => requestMoveInCode(serviceDeps(ctx), input.email)),
  verifyCode: publicProcedure.input(z.object({ email, code })).mutation(({ ctx, input }) => verifyMoveInCode(serviceDeps(ctx), input.email, input.code)),
  fileMoveIn: publicProcedure
    .input(z.object({ ticket: z.string().max(100), clientId: z.uuid(), fields: z.record(z.string().max(40), z.string().max(400)) }))
    .mutation(({ ctx, input }) => fileMoveIn(serviceDeps(ctx), input))
});
