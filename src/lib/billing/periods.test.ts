import { describe, expect, it } from 'vitest';
import { axisLabel, inferCycle, periodLabel } from './periods';

describe('periods', () => {
  it('tell a bimonthly faucet from the gaps between its readings, whatever their order', () => {
    expect(inferCycle(['2026-10', '2026-09', '2026-08'])).toBe(1);
    expect(inferCycle(['2026-10', '2026-06', '2026-08'])).toBe(2);
    // A missing monthly reading leaves the other gaps at one month.
    expect(inferCycle(['2026-10', '2026-09', '2026-07'])).toBe(1);
    expect(inferCycle([])).toBe(1);
  });

  it('fall back on the announced next reading when there is only one', () => {
    expect(inferCycle(['2026-10'], { readingDate: '2026-10-16', nextReadingDate: '2026-12-16' })).toBe(2);
    expect(inferCycle(['2026-10'], { readingDate: '2026-10-05', nextReadingDate: '2026-11-05' })).toBe(1);
    expect(inferCycle(['2026-10'], { readingDate: '2026-10-05', nextReadingDate: null })).toBe(1);
  });

  it('label monthly and bimonthly periods in both languages', () => {
    expect(periodLabel('2026-10', 1, 'ja')).toBe('2026年10月');
    expect(periodLabel('2026-10', 2, 'ja')).toBe('2026年9・10月');
    expect(periodLabel('2026-01', 2, 'ja')).toBe('2025年12月〜2026年1月');
    expect(periodLabel('2026-10', 1, 'en')).toBe('Oct 2026');
    expect(periodLabel('2026-10', 2, 'en')).toBe('Sep–Oct 2026');
    expect(periodLabel('2026-01', 2, 'en')).toBe('Dec 2025 – Jan 2026');
  });

  it('put the year on the first axis label and where a year starts', () => {
    expect(axisLabel('2025-11', 1, 'ja', null)).toEqual(['11月', '2025年']);
    expect(axisLabel('2025-12', 1, 'ja', '2025-11')).toEqual(['12月']);
    expect(axisLabel('2026-01', 1, 'ja', '2025-12')).toEqual(['1月', '2026年']);
    // Every other month labelled: January has no label, so February carries the new year.
    expect(axisLabel('2026-02', 1, 'ja', '2025-12')).toEqual(['2月', '2026年']);
    expect(axisLabel('2026-04', 1, 'ja', '2026-02')).toEqual(['4月']);
    expect(axisLabel('2026-02', 2, 'ja', '2025-12')).toEqual(['1・2月', '2026年']);
    expect(axisLabel('2026-04', 2, 'ja', '2026-02')).toEqual(['3・4月']);
    expect(axisLabel('2026-01', 2, 'en', '2025-11')).toEqual(['Dec–Jan', '2026']);
  });
});
