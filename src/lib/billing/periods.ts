import type { Locale } from '$lib/i18n/messages';
import { monthIndex, periodOfDate, yearMonthAt } from '$lib/shared/periods';

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
const enMonth = ({ month }: { month: number }) => enMonths[month - 1]!;

/** The first and the last month a period covers, and the month before it. */
function covered(period: string, months: CycleMonths) {
  const last = monthIndex(period);
  return { first: yearMonthAt(last - months + 1), last: yearMonthAt(last), before: yearMonthAt(last - months) };
}

/** 2026年10月 / Oct 2026; bimonthly 2026年9・10月 / Sep–Oct 2026, across a new year 2025年12月〜2026年1月. */
export function periodLabel(period: string, months: CycleMonths, locale: Locale): string {
  const { first, last } = covered(period, months);
  if (locale === 'ja') {
    if (months === 1) return `${last.year}年${last.month}月`;
    if (first.year === last.year) return `${last.year}年${first.month}・${last.month}月`;
    return `${first.year}年${first.month}月〜${last.year}年${last.month}月`;
  }
  if (months === 1) return `${enMonth(last)} ${last.year}`;
  if (first.year === last.year) return `${enMonth(first)}–${enMonth(last)} ${last.year}`;
  return `${enMonth(first)} ${first.year} – ${enMonth(last)} ${last.year}`;
}

/**
 * A chart axis label, short enough for a phone: the months, and the year under the first
 * label shown and wherever a new year starts since the label shown before (`previousShown`,
 * which is not the period before when the axis labels every other bar).
 */
export function axisLabel(period: string, months: CycleMonths, locale: Locale, previousShown: string | null): string[] {
  const { first, last } = covered(period, months);
  const newYear = previousShown === null || covered(previousShown, months).last.year !== last.year;
  const monthsText =
    locale === 'ja'
      ? months === 1
        ? `${last.month}月`
        : `${first.month}・${last.month}月`
      : months === 1
        ? enMonth(last)
        : `${enMonth(first)}–${enMonth(last)}`;
  return newYear ? [monthsText, locale === 'ja' ? `${last.year}年` : String(last.year)] : [monthsText];
}
