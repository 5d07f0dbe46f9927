import { describe, expect, it } from 'vitest';
import { tokyoDate } from '$lib/shared/tokyo-time';
import { formatDate, formatMeter, formatPeriod, formatUsage, formatYen, syncTimeText, usageNumber } from './format';

describe('formatting', () => {
  it('writes yen with thousands separators', () => {
    expect(formatYen(6380, 'ja')).toBe('6,380円');
    expect(formatYen(1234567, 'ja')).toBe('1,234,567円');
    expect(formatYen(0, 'ja')).toBe('0円');
    expect(formatYen(6380, 'en')).toBe('¥6,380');
  });

  it('keeps the fraction of a tariff line or rate', () => {
    expect(formatYen(64.5, 'ja')).toBe('64.5円');
    expect(formatYen(1234.25, 'en')).toBe('¥1,234.25');
  });

  it('always shows usage with one decimal', () => {
    expect(formatUsage(220)).toBe('22.0 m³');
    expect(formatUsage(215)).toBe('21.5 m³');
    expect(formatUsage(12345)).toBe('1,234.5 m³');
    expect(usageNumber(12345, false)).toBe('1234.5');
    expect(usageNumber(5)).toBe('0.5');
    expect(formatMeter(102340)).toBe('10,234');
    expect(formatMeter(10145)).toBe('1,014.5');
    expect(formatMeter(10145, false)).toBe('1014.5');
    expect(formatMeter(10140, false)).toBe('1014');
  });

  it('writes dates as people do, with the weekday when asked', () => {
    expect(formatDate('2026-11-26', 'ja')).toBe('2026年11月26日');
    expect(formatDate('2026-11-26', 'ja', { weekday: true })).toBe('2026年11月26日（木）');
    expect(formatDate('2026-11-26', 'en', { weekday: true })).toBe('Thu 26 November 2026');
    expect(formatDate('2026-01-05', 'ja', { short: true })).toBe('2026/1/5');
    expect(formatDate('2026-09-05', 'en', { short: true })).toBe('5 Sep 2026');
    expect(formatDate('not a date', 'ja')).toBe('not a date');
  });

  it('takes today and sync times in Tokyo, whatever the device says', () => {
    // 2026-11-25 16:30 UTC is already the 26th in Tokyo.
    const now = Date.UTC(2026, 10, 25, 16, 30);
    expect(tokyoDate(now)).toBe('2026-11-26');
    expect(syncTimeText(Date.UTC(2026, 10, 25, 15, 5), now, 'ja')).toBe('00:05');
    expect(syncTimeText(Date.UTC(2026, 10, 24, 5, 7), now, 'ja')).toBe('11月24日 14:07');
    expect(syncTimeText(Date.UTC(2026, 10, 24, 5, 7), now, 'en')).toBe('24 Nov 14:07');
  });
});

describe('formatPeriod', () => {
  it('names a billing period as a bill does', () => {
    expect(formatPeriod('2026-11', 'ja')).toBe('2026年11月分');
    expect(formatPeriod('2026-01', 'en')).toBe('January 2026');
  });
});
