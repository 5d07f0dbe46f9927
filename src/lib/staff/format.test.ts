import { describe, expect, it } from 'vitest';
import { percent, staffTime } from './format';

describe('staff console formats', () => {
  it('shows instants in Tokyo time to the minute', () => {
    expect(staffTime('2026-12-01T15:30:59.000Z')).toBe('2026-12-02 00:30');
  });

  it('gives a share with one decimal, and a dash for none of nothing', () => {
    expect(percent(1, 3)).toBe('33.3%');
    expect(percent(0, 0)).toBe('—');
  });
});
