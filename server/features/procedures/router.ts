import { z } from 'zod';
import { memberProcedureKinds, procedureKinds, procedureStatuses } from '../../../src/lib/shared/procedure-form.js';
import { typedFieldNames } from '../../../src/lib/shared/typed-text.js';
import { inputFields, typedText } from '../../http/input-text.js';
import { customerProcedure, router, serviceDeps, staffProcedure } from '../../trpc.js';
import { changeProcedureStatus, fileProcedure, myProcedures, procedureDetail, procedureQueue } from './service.js';

const { rowId: id } = inputFields;

export const proceduresRouter = router({
  // clientId: the id the device's outbox gave the filing, so that a resend files nothing twice.
  file: customerProcedure
    .input(z.object({ clientId: z.uuid(), linkId: id, kind: z.enum(memberProcedureKinds), fields: z.record(z.string().max(40), z.string().max(400)) }))
    .mutation(({ ctx, input }) => fileProcedure(serviceDeps(ctx), { ...input, customerId: ctx.customerId })),
  mine: customerProcedure.query(({ ctx }) => myProcedures(serviceDeps(ctx), ctx.customerId))
});

export const staffProceduresRouter = router({
  queue: staffProcedure
    .input(z.object({ status: z.enum(procedureStatuses).optional(), kind: z.enum([...procedureKinds, 'moves']).optional() }))
    .query(({ ctx, input }) => procedureQueue(serviceDeps(ctx), input)),
  detail: staffProcedure.input(z.object({ procedureId: id })).query(({ ctx, input }) => procedureDetail(serviceDeps(ctx), input.procedureId)),
  setStatus: staffProcedure
    .input(z.object({ procedureId: id, status: z.enum(procedureStatuses), note: typedText(1000, typedFieldNames.note) }))
    .mutation(({ ctx, input }) => changeProcedureStatus(serviceDeps(ctx), ctx.staff, input))
});
