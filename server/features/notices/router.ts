import { z } from 'zod';
import { noticeTopics } from '../../../src/lib/shared/notices.js';
import { inputFields } from '../../http/input-text.js';
import { customerProcedure, router, serviceDeps } from '../../trpc.js';
import { markNoticeRead } from './reads.js';
import { choose, preferences, pushKey, subscribe, unsubscribe } from './settings.js';

// Browsers' push services answer on https (which of them, the service checks); the keys are base64url P-256 point (65 bytes) and 16-byte secret.
const endpoint = z.url({ protocol: /^https$/ }).max(2000);
const base64url = (max: number) => z.string().min(1).max(max).regex(/^[A-Za-z0-9_-]+=*$/);

const noticeSettingsRouter = router({
  get: customerProcedure.query(({ ctx }) => preferences(serviceDeps(ctx), ctx.customerId)),
  set: customerProcedure
    .input(z.object({ topic: z.enum(noticeTopics), push: z.boolean(), email: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      await choose(serviceDeps(ctx), ctx.customerId, input);
      return { ok: true };
    }),
  pushKey: customerProcedure.query(async ({ ctx }) => ({ publicKey: await pushKey(serviceDeps(ctx)) })),
  subscribe: customerProcedure
    .input(z.object({ endpoint, keys: z.object({ p256dh: base64url(200), auth: base64url(100) }) }))
    .mutation(async ({ ctx, input }) => {
      await subscribe(serviceDeps(ctx), { customerId: ctx.customerId, sessionToken: ctx.sessionToken }, input);
      return { ok: true };
    }),
  unsubscribe: customerProcedure.input(z.object({ endpoint })).mutation(async ({ ctx, input }) => {
    await unsubscribe(serviceDeps(ctx), ctx.customerId, input.endpoint);
    return { ok: true };
  })
});

const noticeReadsRouter = router({
  // clientId: the id the device's outbox gave the change, so that a resend changes nothing.
  mark: customerProcedure
    .input(z.object({ noticeId: inputFields.rowId, clientId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const { repeated } = await markNoticeRead(serviceDeps(ctx), { ...input, customerId: ctx.customerId });
      return { ok: true, repeated };
    })
});

/**
 * The notices' routes, spread into the app's router under the names devices already call
 * (noticeSettings.*, noticeReads.*): one feature, the wire as it was.
 */
export const noticesRoutes = { noticeSettings: noticeSettingsRouter, noticeReads: noticeReadsRouter };
