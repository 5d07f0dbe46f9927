import { WebPushError } from 'web-push';
import { describe, expect, it } from 'vitest';
import { classifyPushError } from './send.js';

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

  it('no answer at all (a refused connection, a timeout) is tried again, named by its system code', () => {
    expect(classifyPushError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))).toEqual({ outcome: 'retry', reason: 'ECONNREFUSED' });
    expect(classifyPushError(new Error('Socket timeout'))).toEqual({ outcome: 'retry', reason: 'Socket timeout' });
  });
});
