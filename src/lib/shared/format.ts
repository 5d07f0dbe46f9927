import type { Locale } from './localized';
import { monthIndex, weekdayOf, yearMonthAt } from './periods';
import { tokyoDate, tokyoParts } from './tokyo-time';

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// A tariff line (0.3 m³ at 215 yen is 64.5 yen) and a rate per m³ may have a fraction: never round one away.
const groupedYen = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Yen as printed on a bill: 6,380円 / ¥6,380; a tariff line's fraction stays: 64.5円. */
export function formatYen(yen: number, locale: Locale): string {
  const digits = groupedYen.format(Math.abs(yen));
  const sign = yen < 0 ? '-' : '';
  return locale === 'ja' ? `${sign}${digits}円` : `${sign}¥${digits}`;
}

/** Usage in tenths of a m³ with its one decimal: 22.0 m³ (never 22 m³ beside 21.5 m³). */
export function formatUsage(tenths: number): string {
  return `${usageNumber(tenths)} m³`;
}

/** The number alone (CSV cells, chart values): 1,234.5 with the decimal always shown. */
export function usageNumber(tenths: number, group = true): string {
  const whole = Math.trunc(Math.abs(tenths) / 10);
  const sign = tenths < 0 ? '-' : '';
  return `${sign}${group ? grouped.format(whole) : String(whole)}.${Math.abs(tenths) % 10}`;
}

/** A meter register value as the billing system wrote it: 1,234, or 1,234.5 from a meter read to 0.1 m³. */
export function formatMeter(tenths: number, group = true): string {
  return tenths % 10 === 0 ? (group ? grouped.format(tenths / 10) : String(tenths / 10)) : usageNumber(tenths, group);
}

const jaWeekdays = ['日', '月', '火', '水', '木', '金', '土'];
const enWeekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const enMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * A calendar date (YYYY-MM-DD): 2026年11月26日 / 26 November 2026; with the weekday, which
 * people plan a transfer by: 2026年11月26日（木）; short, for table columns: 2026/11/26 / 26 Nov 2026.
 */
export function formatDate(isoDate: string, locale: Locale, options: { weekday?: boolean; short?: boolean } = {}): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return isoDate;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (options.short) return locale === 'ja' ? `${year}/${month}/${day}` : `${day} ${enMonths[month - 1]!.slice(0, 3)} ${year}`;
  const weekday = weekdayOf(isoDate);
  if (locale === 'ja') return `${year}年${month}月${day}日${options.weekday ? `（${jaWeekdays[weekday]}）` : ''}`;
  return `${options.weekday ? `${enWeekdays[weekday]} ` : ''}${day} ${enMonths[month - 1]} ${year}`;
}

/** A billing period (YYYY-MM) as a bill names it: 2026年11月分 / November 2026. */
export function formatPeriod(period: string, locale: Locale): string {
  const { year, month } = yearMonthAt(monthIndex(period));
  return locale === 'ja' ? `${year}年${month}月分` : `${enMonths[month - 1]} ${year}`;
}

function tokyo(at: number): { date: string; month: number; day: number; time: string } {
  const parts = tokyoParts(at);
  return { date: tokyoDate(at), month: Number(parts.month), day: Number(parts.day), time: `${parts.hour}:${parts.minute}` };
}

/** When the device last synced, in Tokyo time: 14:05 today, 11月24日 14:05 / 24 Nov 14:05 on an earlier day. */
export function syncTimeText(pulledAt: number, now: number, locale: Locale): string {
  const then = tokyo(pulledAt);
  if (then.date === tokyo(now).date) return then.time;
  return locale === 'ja' ? `${then.month}月${then.day}日 ${then.time}` : `${then.day} ${enMonths[then.month - 1]!.slice(0, 3)} ${then.time}`;
}
