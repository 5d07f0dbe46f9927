/**
 * How a bar chart's axis labels fit a screen: every bar labelled when each label fits its bar,
 * else every 2nd, 3rd, 4th, 6th or 12th one (a regular step through the year), the newest always
 * labelled. The chart keeps the screen's width, so its scale on the left stays in view; only when
 * even one label a year does not fit is it drawn wider, to scroll in its own box.
 */
export const AXIS_STEPS = [1, 2, 3, 4, 6, 12] as const;
export type AxisStep = (typeof AXIS_STEPS)[number];

export interface AxisPlan {
  step: AxisStep;
  /** The width to draw the chart at, in CSS pixels: at least the space available. */
  width: number;
}

/**
 * `labelWidth` is the widest months' line; the year under it shows once a year, so it need not fit
 * between two labels, except at one label a year, where every label carries its year
 * (`yearWidth`, the widest year's line).
 */
export function axisPlan(bars: number, labelWidth: number, available: number, yearWidth = 0): AxisPlan {
  const needs = (step: AxisStep) => (step === 12 ? Math.max(labelWidth, yearWidth) : labelWidth);
  const fits = AXIS_STEPS.find((step) => bars === 0 || (available / bars) * step >= needs(step));
  if (fits !== undefined) return { step: fits, width: available };
  return { step: 12, width: Math.ceil((bars * needs(12)) / 12) };
}

/** The indexes labelled at `step`, oldest first, ending with the newest bar. */
export function labelledBars(bars: number, step: AxisStep): number[] {
  return Array.from({ length: bars }, (_, index) => index).filter((index) => (bars - 1 - index) % step === 0);
}
