import { z } from 'zod';
import { inputFields } from '../../http/input-text.js';
import { staffRoles } from '../../domain/staff-roles.js';
import { endStaffSession } from '../../sessions/staff-sessions.js';
import { adminProcedure, publicProcedure, serviceDeps, signedInStaff, staffSessionProcedure, router, type Context } from '../../trpc.js';
import { auditActions } from '../../../src/lib/shared/audit-actions.js';
import { readAuditLog, requiredReason } from '../audit/service.js';
import { changeStaffPassword, createStaff, disableStaff, enableStaff, issueOneTimePassword, listStaff, staffLogIn } from './service.js';

const { email, password, reason, rowId } = inputFields;

/** Replaces whatever staff session the browser held (rotation): a planted token is worth nothing after log-in. */
async function startStaffSession(ctx: Context, sessionToken: string) {
  const presented = ctx.request.staffSessionToken;
  if (presented) await endStaffSession(ctx.database.db, presented);
  ctx.request.setStaffSessionCookie(sessionToken);
}

export const staffAuthRouter = router({
  me: publicProcedure.query(async ({ ctx }) => {
    const member = await signedInStaff(ctx);
    return member && { email: member.email, role: member.role, mustChangePassword: member.mustChangePassword };
  }),
  login: publicProcedure.input(z.object({ email, password })).mutation(async ({ ctx, input }) => {
    const { sessionToken, mustChangePassword } = await staffLogIn(serviceDeps(ctx), input);
    await startStaffSession(ctx, sessionToken);
    return { mustChangePassword };
  }),
  logout: publicProcedure.mutation(async ({ ctx }) => {
    const presented = ctx.request.staffSessionToken;
  if (presented) await endStaffSession(ctx.database.db, presented);
    ctx.request.setStaffSessionCookie(null);
    return { ok: true };
  }),
  changePassword: staffSessionProcedure
    .input(z.object({ currentPassword: password, newPassword: password }))
    .mutation(async ({ ctx, input }) => {
      const { sessionToken } = await changeStaffPassword(serviceDeps(ctx), ctx.staff, input);
      ctx.request.setStaffSessionCookie(sessionToken);
      return { ok: true };
    })
});

export const staffAdminRouter = router({
  createStaff: adminProcedure
    .input(z.object({ email, role: z.enum(staffRoles), reason }))
    .mutation(async ({ ctx, input }) => {
      const created = await createStaff(serviceDeps(ctx), ctx.staff, input);
      return created;
    }),
  staffList: adminProcedure.query(({ ctx }) => listStaff(serviceDeps(ctx))),
  disableStaff: adminProcedure
    .input(z.object({ email, reason }))
    .mutation(({ ctx, input }) => disableStaff(serviceDeps(ctx), ctx.staff, { email: input.email, reason: requiredReason(input.reason) })),
  enableStaff: adminProcedure
    .input(z.object({ email, reason }))
    .mutation(({ ctx, input }) => enableStaff(serviceDeps(ctx), ctx.staff, { email: input.email, reason: requiredReason(input.reason) })),
  issueOneTimePassword: adminProcedure
    .input(z.object({ email, reason }))
    .mutation(({ ctx, input }) => issueOneTimePassword(serviceDeps(ctx), ctx.staff, { email: input.email, reason: requiredReason(input.reason) })),
  auditLog: adminProcedure
    .input(z.object({ before: rowId.optional(), actor: email.optional(), action: z.enum(auditActions).optional(), from: z.iso.date().optional(), to: z.iso.date().optional() }))
    .query(({ ctx, input }) => readAuditLog(ctx.database.db, input))
});
