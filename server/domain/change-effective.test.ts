import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBusinessCalendar } from './calendar.js';
import { changeEffectiveOn } from './change-effective.js';

const calendar = createBusinessCalendar(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);

describe('the effective date of an approved change', () => {
  it('is the next business day after approval: over a weekend and over the New Year closing', () => {
    expect(changeEffectiveOn(calendar, '2026-06-05', null)).toBe('2026-06-08');
    expect(changeEffectiveOn(calendar, '2026-12-28', null)).toBe('2027-01-04');
    expect(changeEffectiveOn(calendar, '2026-12-30', null)).toBe('2027-01-04');
  });

  it('is the day the customer asked for when that is later, never a day already past', () => {
    expect(changeEffectiveOn(calendar, '2026-12-28', '2027-02-01')).toBe('2027-02-01');
    expect(changeEffectiveOn(calendar, '2026-12-28', '2026-12-01')).toBe('2027-01-04');
  });

  it('always falls after the approval and never before the day asked for', () => {
    const day = fc.date({ min: new Date('2026-01-01'), max: new Date('2028-12-31'), noInvalidDate: true }).map((date) => date.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, fc.option(day), (approvedOn, askedFor) => {
        const effective = changeEffectiveOn(calendar, approvedOn, askedFor);
        expect(effective > approvedOn).toBe(true);
        if (askedFor !== null) expect(effective >= askedFor).toBe(true);
      })
    );
  });
});
