/** Fills `{name}` placeholders of a catalog text. */
export function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A wait shown on a button: seconds up to two minutes, then whole minutes (rounded up). */
export function waitText(seconds: number, t: (key: 'time.seconds' | 'time.minutes') => string): string {
  return seconds < 120 ? fill(t('time.seconds'), { n: seconds }) : fill(t('time.minutes'), { n: Math.ceil(seconds / 60) });
}
