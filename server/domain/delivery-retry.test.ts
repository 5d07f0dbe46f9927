import { describe, expect, it } from 'vitest';
import { planRetry } from './delivery-retry.js';

const MINUTE = 60_000;
const created = new Date('2026-11-27T01:00:00Z');
const at = (minutes: number) => new Date(created.getTime() + minutes * MINUTE);

describe('planRetry', () => {
  it('waits 1, 5, 15 and then 60 minutes after each failed try', () => {
    expect(planRetry(created, 1, at(0))).toEqual({ retryAt: at(1) });
    expect(planRetry(created, 2, at(1))).toEqual({ retryAt: at(6) });
    expect(planRetry(created, 3, at(6))).toEqual({ retryAt: at(21) });
    expect(planRetry(created, 4, at(21))).toEqual({ retryAt: at(81) });
    expect(planRetry(created, 9, at(300))).toEqual({ retryAt: at(360) });
  });

  it('tries a last time when the 24 hours end, then gives up', () => {
    expect(planRetry(created, 20, at(24 * 60 - 10))).toEqual({ retryAt: at(24 * 60) });
    expect(planRetry(created, 21, at(24 * 60))).toEqual({ expired: true });
    expect(planRetry(created, 1, at(3 * 24 * 60))).toEqual({ expired: true });
  });
});
