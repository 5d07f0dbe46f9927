import { describe, expect, it } from 'vitest';
import { monthIndex, periodAt, periodOfDate, shiftPeriod } from './periods';

describe('periods', () => {
  it('shift across year ends both ways', () => {
    expect(shiftPeriod('2026-01', -1)).toBe('2025-12');
    expect(shiftPeriod('2025-12', 1)).toBe('2026-01');
    expect(shiftPeriod('2026-10', -12)).toBe('2025-10');
    expect(periodAt(monthIndex('2024-02'))).toBe('2024-02');
  });

  it('refuse what is not a period', () => {
    expect(() => monthIndex('2026-1')).toThrow(RangeError);
  });

  it('name the period a date falls in', () => {
    expect(periodOfDate('2026-12-31')).toBe('2026-12');
  });
});
