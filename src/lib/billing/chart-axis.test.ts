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

  it('widens the chart (it scrolls in its box) when even every other label does not fit', () => {
    // 24 months at 200% text on a 360 px phone: a 60 px label over 300 px.
    expect(axisPlan(24, 60, 300)).toEqual({ step: 2, width: 720 });
  });

  it('always gives a labelled bar room for its label, and labels the newest bar at a regular step', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 48 }), fc.integer({ min: 10, max: 200 }), fc.integer({ min: 100, max: 2000 }), (bars, labelWidth, available) => {
        const { step, width } = axisPlan(bars, labelWidth, available);
        expect(width).toBeGreaterThanOrEqual(available);
        expect((width / bars) * step).toBeGreaterThanOrEqual(labelWidth - 1e-9);
        const labelled = labelledBars(bars, step);
        expect(labelled.at(-1)).toBe(bars - 1);
        for (let index = 1; index < labelled.length; index += 1) expect(labelled[index]! - labelled[index - 1]!).toBe(step);
      })
    );
  });
});
