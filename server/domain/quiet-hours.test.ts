import { describe, expect, it } from 'vitest';
import { isQuietTime, quietHoursEnd } from './quiet-hours.js';

const night = { start: '21:00', end: '08:00' };
const tokyo = (wallClock: string) => new Date(`${wallClock}+09:00`);

describe('quiet hours spanning midnight (21:00–08:00 Tokyo)', () => {
  it.each([
    ['2026-11-26T20:59:59', false],
    ['2026-11-26T21:00:00', true],
    ['2026-11-26T23:59:00', true],
    ['2026-11-27T00:00:00', true],
    ['2026-11-27T07:59:59', true],
    ['2026-11-27T08:00:00', false],
    ['2026-11-27T12:00:00', false]
  ])('%s is quiet: %s', (wallClock, quiet) => {
    expect(isQuietTime(tokyo(wallClock), night)).toBe(quiet);
  });

  it('ends at the next 08:00 Tokyo, whatever the UTC date', () => {
    expect(quietHoursEnd(tokyo('2026-11-26T21:30:00'), night)).toEqual(tokyo('2026-11-27T08:00:00'));
    expect(quietHoursEnd(tokyo('2026-11-27T07:59:30'), night)).toEqual(tokyo('2026-11-27T08:00:00'));
    // 23:00 UTC is already 08:00 the next day in Tokyo.
    expect(quietHoursEnd(new Date('2026-11-26T22:15:00Z'), night)).toEqual(new Date('2026-11-26T23:00:00Z'));
  });

  it('leaves an instant outside them as it is', () => {
    const noon = tokyo('2026-11-27T12:00:00');
    expect(quietHoursEnd(noon, night)).toBe(noon);
  });
});

describe('quiet hours within one day', () => {
  const lunch = { start: '12:00', end: '13:30' };

  it('holds only between start and end', () => {
    expect(isQuietTime(tokyo('2026-11-27T11:59:00'), lunch)).toBe(false);
    expect(isQuietTime(tokyo('2026-11-27T12:00:00'), lunch)).toBe(true);
    expect(isQuietTime(tokyo('2026-11-27T13:29:59'), lunch)).toBe(true);
    expect(isQuietTime(tokyo('2026-11-27T13:30:00'), lunch)).toBe(false);
    expect(isQuietTime(tokyo('2026-11-27T23:00:00'), lunch)).toBe(false);
    expect(quietHoursEnd(tokyo('2026-11-27T12:45:00'), lunch)).toEqual(tokyo('2026-11-27T13:30:00'));
  });

  it('start equal to end is no quiet hours at all', () => {
    expect(isQuietTime(tokyo('2026-11-27T03:00:00'), { start: '00:00', end: '00:00' })).toBe(false);
  });

  it('refuses a time that is not HH:mm', () => {
    expect(() => isQuietTime(tokyo('2026-11-27T03:00:00'), { start: '9:00', end: '08:00' })).toThrow(RangeError);
  });
});
