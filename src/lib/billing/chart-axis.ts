/**
 * How a bar chart's axis labels fit a screen: every bar labelled when each label fits its bar,
 * else every other one, the newest always labelled. When even every other label does not fit
 * (a phone with large text), the chart is drawn wider than the screen and scrolls in its own
 * box, rather than skipping labels at an irregular step.
 */
export interface AxisPlan {
  step: 1 | 2;
  /** The width to draw the chart at, in CSS pixels: at least the space available. */
  width: number;
}

export function axisPlan(bars: number, labelWidth: number, available: number): AxisPlan {
  if (bars === 0 || available / bars >= labelWidth) return { step: 1, width: available };
  return { step: 2, width: Math.max(available, Math.ceil((bars * labelWidth) / 2)) };
}

/** The indexes labelled at `step`, oldest first, ending with the newest bar. */
export function labelledBars(bars: number, step: 1 | 2): number[] {
  return Array.from({ length: bars }, (_, index) => index).filter((index) => (bars - 1 - index) % step === 0);
}
