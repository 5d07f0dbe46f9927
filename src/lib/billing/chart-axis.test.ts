import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { axisPlan, labelledBars } from './chart-axis';

describe('chart axis plan', () => {
  it('labels every bar when each label fits its bar', () => {
    expect(axisPlan(24, 30, 720)).toEqual({ step: 1, width: 720 });
    expect(axisPlan(0, 30, 300)).toEqual({ step: 1, width: 300 });
  });

  it('labels every other bar when one label needs more than a bar', () => {
    expect(axisPlan(24, 40, 720)).toEqual({ step: 2, width: 720 });
  });

  it('labels every 3rd, 4th, 6th or 12th bar rather than widen the chart past the screen', () => {
    // 24 months at 200% text on a 360 px phone: a 60 px label over 300 px.
    expect(axisPlan(24, 60, 300)).toEqual({ step: 6, width: 300 });
    expect(axisPlan(24, 30, 300)).toEqual({ step: 3, width: 300 });
    expect(axisPlan(24, 50, 300)).toEqual({ step: 4, width: 300 });
  });

  it('widens the chart (it scrolls in its box) only when even one label a year does not fit', () => {
    expect(axisPlan(24, 200, 300)).toEqual({ step: 12, width: 400 });
  });

  it('fits the year under every label when it labels one bar a year', () => {
    expect(axisPlan(24, 140, 300, 100)).toEqual({ step: 12, width: 300 });
    expect(axisPlan(24, 140, 300, 180)).toEqual({ step: 12, width: 360 });
  });

  it('always gives a labelled bar room for its label, and labels the newest bar at a regular step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 10, max: 200 }), fc.integer({ min: 100, max: 2000 }), (bars, labelWidth, available) => {
        const { step, width } = axisPlan(bars, labelWidth, available, labelWidth * 1.5);
        expect(width).toBeGreaterThanOrEqual(available);
        expect((width / bars) * step).toBeGreaterThanOrEqual(labelWidth - 1e-9);
        const labelled = labelledBars(bars, step);
        expect(labelled.at(-1)).toBe(bars - 1);
        for (let index = 1; index < labelled.length; index += 1) expect(labelled[index]! - labelled[index - 1]!).toBe(step);
      })
    );
  });
});
