import type { Locale } from '$lib/i18n/messages';
import { monthIndex, periodOfDate } from '$lib/shared/periods';

/**
 * Billing periods are `YYYY-MM`: the month of the reading. A bimonthly faucet's period names
 * the second of the two months it covers (read in October: September and October).
 */
export type CycleMonths = 1 | 2;

/**
 * How many months one reading covers, from the gaps between a faucet's readings: every
 * second month is bimonthly. With a single reading, the next reading date it announces decides.
 */
export function inferCycle(periods: readonly string[], latestNextReading?: { readingDate: string; nextReadingDate: string | null }): CycleMonths {
  const sorted = [...new Set(periods)].map(monthIndex).sort((a, b) => a - b);
  let smallest = Infinity;
  for (let i = 1; i < sorted.length; i++) smallest = Math.min(smallest, sorted[i]! - sorted[i - 1]!);
  if (smallest !== Infinity) return smallest >= 2 ? 2 : 1;
  if (latestNextReading?.nextReadingDate) {
    const gap = monthIndex(periodOfDate(latestNextReading.nextReadingDate)) - monthIndex(periodOfDate(latestNextReading.readingDate));
    if (gap >= 2) return 2;
  }
  return 1;
}

const enMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** 2026年10月 / Oct 2026; bimonthly 2026年9・10月 / Sep–Oct 2026, across a new year 2025年12月〜2026年1月. */
export function periodLabel(period: string, months: CycleMonths, locale: Locale): string {
  const last = monthIndex(period);
  const first = last - months + 1;
  const year = (index: number) => Math.floor(index / 12);
  const month = (index: number) => (index % 12) + 1;
  if (locale === 'ja') {
    if (first === last) return `${year(last)}年${month(last)}月`;
    if (year(first) === year(last)) return `${year(last)}年${month(first)}・${month(last)}月`;
    return `${year(first)}年${month(first)}月〜${year(last)}年${month(last)}月`;
  }
  const name = (index: number) => enMonths[index % 12]!;
  if (first === last) return `${name(last)} ${year(last)}`;
  if (year(first) === year(last)) return `${name(first)}–${name(last)} ${year(last)}`;
  return `${name(first)} ${year(first)} – ${name(last)} ${year(last)}`;
}

/**
 * A chart axis label, short enough for a phone: the months, and the year under the first
 * bar and wherever a new year starts.
 */
export function axisLabel(period: string, months: CycleMonths, locale: Locale, first: boolean): string[] {
  const last = monthIndex(period);
  const start = last - months + 1;
  const newYear = first || Math.floor(last / 12) !== Math.floor((last - months) / 12);
  const year = String(Math.floor(last / 12));
  const monthsText =
    locale === 'ja'
      ? start === last
        ? `${(last % 12) + 1}月`
        : `${(start % 12) + 1}・${(last % 12) + 1}月`
      : start === last
        ? enMonths[last % 12]!
        : `${enMonths[start % 12]!}–${enMonths[last % 12]!}`;
  return newYear ? [monthsText, locale === 'ja' ? `${year}年` : year] : [monthsText];
}
