import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from './calendar.js';
import { debitDate, transfersToAnnounce } from './transfer-notices.js';

// The demo profile's 年末年始.
const calendar = createBusinessCalendar(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);

describe('debitDate', () => {
  it('keeps a business day and moves a closed day to the next business day', () => {
    const debitOf = (transferDates: string[]) => transferDates.map((date) => debitDate(calendar, date));
    // A Monday; a Sunday; a Saturday; Showa Day.
    expect(debitOf(['2026-07-27', '2026-07-26', '2026-12-26', '2026-04-29'])).toEqual(['2026-07-27', '2026-07-27', '2026-12-28', '2026-04-30']);
    // Respect for the Aged Day, the citizens' holiday and the equinox in a row; 年末年始 past the new year.
    expect(debitOf(['2026-09-21', '2026-12-29'])).toEqual(['2026-09-24', '2027-01-04']);
  });
});

const announced = (today: string, daysBefore = 3) =>
  transfersToAnnounce(calendar, today, daysBefore).map(({ transferDate, debitDate }) => `${transferDate}→${debitDate}`);

describe('transfersToAnnounce', () => {
  it('announces daysBefore days before the debit, counting from the moved date', () => {
    // Saturday, Sunday and Monday transfers are all debited on Monday the 27th.
    expect(announced('2026-07-24')).toEqual(['2026-07-25→2026-07-27', '2026-07-26→2026-07-27', '2026-07-27→2026-07-27']);
    expect(announced('2026-07-23')).toEqual(['2026-07-24→2026-07-24']);
  });

  it('announces a transfer in 年末年始 three days before 4 January, and catches up a missed day until the debit', () => {
    expect(announced('2026-12-31')).not.toContain('2026-12-29→2027-01-04');
    expect(announced('2027-01-01')).toContain('2026-12-29→2027-01-04');
    expect(announced('2027-01-03')).toContain('2026-12-29→2027-01-04');
    expect(announced('2027-01-04')).not.toContain('2026-12-29→2027-01-04');
  });

  it('takes the number of days from the profile', () => {
    // Marine Day (Monday 20 July) and the weekend before it are debited on Tuesday.
    expect(announced('2026-07-20', 1)).toEqual(['2026-07-18→2026-07-21', '2026-07-19→2026-07-21', '2026-07-20→2026-07-21', '2026-07-21→2026-07-21']);
    expect(announced('2026-07-16', 1)).toEqual(['2026-07-17→2026-07-17']);
    expect(announced('2026-07-16', 2)).toEqual(['2026-07-17→2026-07-17']);
    expect(announced('2026-07-16', 5)).toEqual(['2026-07-17→2026-07-17', '2026-07-18→2026-07-21', '2026-07-19→2026-07-21', '2026-07-20→2026-07-21', '2026-07-21→2026-07-21']);
  });
});
