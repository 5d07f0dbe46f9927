import webpush, { WebPushError } from 'web-push';
import { describe, expect, it } from 'vitest';
import { PUSH_ADDRESS_REFUSED } from './address-guard.js';
import { classifyPushError, vapidAuthorization } from './send.js';

const answered = (status: number) => new WebPushError('refused', status, {}, '', 'https://push.example/x');

describe('classifyPushError', () => {
  it.each([404, 410])('a %i means the device is gone', (status) => {
    expect(classifyPushError(answered(status))).toEqual({ outcome: 'gone', status });
  });

  it.each([429, 500, 502, 503])('a %i is tried again later', (status) => {
    expect(classifyPushError(answered(status))).toEqual({ outcome: 'retry', reason: `push service answered ${status}` });
  });

  it.each([400, 403, 413])('a %i will never be taken, so it is not retried', (status) => {
    expect(classifyPushError(answered(status))).toEqual({ outcome: 'rejected', reason: `push service answered ${status}` });
  });

  it.each([301, 302, 307, 308])('a %i is not followed, and will never be taken', (status) => {
    expect(classifyPushError(answered(status))).toEqual({ outcome: 'rejected', reason: `push service redirected (${status}), not followed` });
  });

  it('a connection the address guard refused is never tried again', () => {
    expect(classifyPushError(Object.assign(new Error('x resolves to a non-public address'), { code: PUSH_ADDRESS_REFUSED }))).toEqual({ outcome: 'rejected', reason: 'push service address is not public' });
  });

  it('no answer at all (a refused connection, a timeout) is tried again, named by its system code', () => {
    expect(classifyPushError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ outcome: 'retry', reason: 'ECONNREFUSED' });
    expect(classifyPushError(new Error('Socket timeout'))).toEqual({ outcome: 'retry', reason: 'Socket timeout' });
  });
});

describe('vapidAuthorization', () => {
  const vapid = { ...webpush.generateVAPIDKeys(), subject: 'mailto:suido@example.jp' };
  const claims = (header: string) => JSON.parse(Buffer.from(/^vapid t=[\w-]+\.([\w-]+)\./.exec(header)![1]!, 'base64url').toString()) as { aud: string; exp: number; sub: string };
  const start = Date.parse('2026-11-27T10:00:00Z');

  it('signs a token for the push service, valid 12 hours, and reuses it within the hour', () => {
    const authorization = vapidAuthorization(vapid);
    const first = authorization('https://fcm.googleapis.com', start);
    expect(claims(first)).toEqual({ aud: 'https://fcm.googleapis.com', exp: start / 1000 + 12 * 3600, sub: 'mailto:suido@example.jp' });
    expect(first).toContain(`k=${vapid.publicKey}`);
    expect(authorization('https://fcm.googleapis.com', start + 59 * 60_000)).toBe(first);
  });

  it('signs a fresh token after the hour, and one of its own for each push service', () => {
    const authorization = vapidAuthorization(vapid);
    const first = authorization('https://fcm.googleapis.com', start);
    const other = authorization('https://updates.push.services.mozilla.com', start);
    expect(claims(other).aud).toBe('https://updates.push.services.mozilla.com');
    const later = authorization('https://fcm.googleapis.com', start + 60 * 60_000);
    expect(later).not.toBe(first);
    expect(claims(later).exp).toBe(start / 1000 + 13 * 3600);
  });
});
