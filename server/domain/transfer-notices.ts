import type { BusinessCalendar } from './calendar.js';

const MS_PER_DAY = 86_400_000;

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The day the bank really debits: the transfer date, or the next business day when the bank is closed on it. */
export function debitDate(calendar: BusinessCalendar, transferDate: string): string {
  return calendar.isBusinessDay(transferDate) ? transferDate : calendar.nextBusinessDay(transferDate);
}

/** A bill's transfer date and the debit it stands for. */
export interface DueTransfer {
  transferDate: string;
  debitDate: string;
}

/**
 * Longer than any run of days the bank is closed (年末年始 with a weekend and a holiday on
 * either side is nine days): a transfer date this far back can still be debited after today.
 */
const LONGEST_CLOSURE_DAYS = 31;

/**
 * The transfer dates whose 口座振替のお知らせ is due on `today`: the notice goes out
 * `daysBefore` calendar days before the debit date, and a day missed (the server was down)
 * is caught up as long as the debit is still to come. So every transfer date with
 * debit − daysBefore ≤ today < debit, oldest first.
 */
export function transfersToAnnounce(calendar: BusinessCalendar, today: string, daysBefore: number): DueTransfer[] {
  const due: DueTransfer[] = [];
  for (let offset = -LONGEST_CLOSURE_DAYS; offset <= daysBefore; offset += 1) {
    const transferDate = addDays(today, offset);
    const debit = debitDate(calendar, transferDate);
    if (addDays(debit, -daysBefore) <= today && today < debit) due.push({ transferDate, debitDate: debit });
  }
  return due;
}
