import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { RefusalError } from './errors.js';
import type { DatabaseHandle } from './db/client.js';
import { createLogger } from './log/logger.js';
import { publicProcedure, router, type Context } from './trpc.js';

const config = loadConfig({ ORIGIN: 'https://portal.example.jp' });
const probe = router({
  read: publicProcedure.query(() => 'read'),
  write: publicProcedure.mutation(() => 'written'),
  refuse: publicProcedure.query((): string => {
    throw new RefusalError('not-found', { ja: 'ありません', en: 'Not here' }, 'linkId');
  })
});

function callerFrom(origin: string | null) {
  const ctx: Context = {
    config,
    database: {} as DatabaseHandle,
    logger: createLogger('silent'),
    mailer: { send: async () => {}, idle: async () => {} },
    request: { origin, headers: {}, clientKey: 'test', sessionToken: null, setSessionCookie: () => {}, staffSessionToken: null, setStaffSessionCookie: () => {} },
    requestId: 'test-request'
  };
  return probe.createCaller(ctx);
}

describe('publicProcedure', () => {
  it('runs a mutation sent from our own origin', async () => {
    await expect(callerFrom('https://portal.example.jp').write()).resolves.toBe('written');
  });

  it.each([['https://evil.example'], ['http://portal.example.jp'], [null]])(
    'refuses a mutation from origin %s before it runs',
    async (origin) => {
      await expect(callerFrom(origin).write()).rejects.toThrow(
        expect.objectContaining({ code: 'FORBIDDEN' }) as TRPCError
      );
    }
  );

  it('answers queries whatever the origin (reads change nothing)', async () => {
    await expect(callerFrom('https://evil.example').read()).resolves.toBe('read');
  });
});

describe('a service refusal', () => {
  it('travels as the tRPC code of its kind, with the refusal as its cause for the error formatter', async () => {
    await expect(callerFrom(null).refuse()).rejects.toThrow(
      expect.objectContaining({ code: 'NOT_FOUND', message: 'Not here', cause: expect.any(RefusalError) }) as TRPCError
    );
  });
});
