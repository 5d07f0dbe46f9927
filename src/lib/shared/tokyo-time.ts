/** Times are Asia/Tokyo whatever the server's or the device's own time zone (PRODUCT.md). */
const tokyoClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Tokyo',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23'
});

export function tokyoParts(instant: Date | number): Record<Intl.DateTimeFormatPartTypes, string> {
  const parts = tokyoClock.formatToParts(instant);
  return Object.fromEntries(parts.map((part) => [part.type, part.value])) as Record<Intl.DateTimeFormatPartTypes, string>;
}

/** The Asia/Tokyo calendar date of an instant, 'YYYY-MM-DD'. */
export function tokyoDate(instant: Date | number): string {
  const { year, month, day } = tokyoParts(instant);
  return `${year}-${month}-${day}`;
}

/**
 * An instant as Tokyo wall-clock time to the second, 'YYYY-MM-DDTHH:mm:ss+09:00'. The offset
 * is written as a constant because Japan has kept +09:00 without daylight saving since 1951.
 */
export function tokyoTimestamp(instant: Date | number): string {
  const { year, month, day, hour, minute, second } = tokyoParts(instant);
  return `${year}-${month}-${day}T${hour}:${minute}:${second}+09:00`;
}

/** The instant a Tokyo calendar day ('YYYY-MM-DD') begins (the offset is constant, as above). */
export function tokyoMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}
