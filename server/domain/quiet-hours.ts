/**
 * The utility's quiet hours (profile.quietHours, Asia/Tokyo): no push or mail goes out
 * between start and end. A window whose start is later than its end spans midnight
 * (21:00–08:00); start equal to end means no quiet hours at all.
 */
export interface QuietHours {
  /** HH:mm */
  start: string;
  /** HH:mm */
  end: string;
}

const MINUTE_MS = 60_000;
const DAY_MINUTES = 24 * 60;
// Japan has kept +09:00 with no daylight saving since 1951, so Tokyo's clock is UTC plus a constant.
const TOKYO_OFFSET_MINUTES = 9 * 60;

function minutesOf(clock: string): number {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock);
  if (!match) throw new RangeError(`not an HH:mm time: ${clock}`);
  return Number(match[1]) * 60 + Number(match[2]);
}

/** Minutes (with their fraction) since midnight on Tokyo's clock. */
function tokyoMinuteOfDay(instant: Date): number {
  const minutes = instant.getTime() / MINUTE_MS + TOKYO_OFFSET_MINUTES;
  return ((minutes % DAY_MINUTES) + DAY_MINUTES) % DAY_MINUTES;
}

export function isQuietTime(instant: Date, quiet: QuietHours): boolean {
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const now = tokyoMinuteOfDay(instant);
  if (start === end) return false;
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/** When sending may start again: the end of the quiet hours instant is inside, else instant itself. */
export function quietHoursEnd(instant: Date, quiet: QuietHours): Date {
  if (!isQuietTime(instant, quiet)) return instant;
  const wait = (minutesOf(quiet.end) - tokyoMinuteOfDay(instant) + DAY_MINUTES) % DAY_MINUTES;
  return new Date(instant.getTime() + wait * MINUTE_MS);
}
