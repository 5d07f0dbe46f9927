import { describe, expect, it } from 'vitest';
import { firstVisiblePeriod, lastVisiblePeriod } from './visibility.js';

describe('visible periods of a contract', () => {
  it('starts with the month of a contract that began on the 1st', () => {
    expect(firstVisiblePeriod('2026-04-01')).toBe('2026-04');
  });

  it("starts a month later when the holder moved in mid-month: that month's reading covers the previous tenant", () => {
    expect(firstVisiblePeriod('2026-04-15')).toBe('2026-05');
    expect(firstVisiblePeriod('2026-12-02')).toBe('2027-01');
  });

  it('ends with the month the contract ended in, or never', () => {
    expect(lastVisiblePeriod('2026-09-30')).toBe('2026-09');
    expect(lastVisiblePeriod(null)).toBeNull();
  });
});
