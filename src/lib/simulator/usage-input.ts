import { normalizeQuantity } from '$lib/shared/normalize';

/** Why a typed usage cannot be priced; the page words each one in the user's language. */
export type UsageInputError = 'missing' | 'notNumber' | 'negative' | 'tooPrecise' | 'tooLarge';

export type UsageInput = { ok: true; tenths: number } | { ok: false; error: UsageInputError };

/** Far above any household or shop (a 50 mm meter running flat out for two months is about 20,000 m³). */
const MAX_TENTHS = 999_999;

/**
 * Usage as people type it on a phone, in tenths of a m³: full-width digits and points, the
 * Japanese IME's 。 and 、 for a point and a thousands mark, spaces, and a trailing unit
 * (m3, m³, ㎥, 立方メートル) are all accepted. "２２．５㎥" is 225; "1,200" is 12000.
 */
export function parseUsageInput(input: string): UsageInput {
  // The unit goes first: normalizeQuantity reads the ー in メートル as a minus.
  const withoutUnit = input.normalize('NFKC').trim().replace(/\s*(m3|立方メートル)$/i, '');
  const text = normalizeQuantity(withoutUnit).replace(/。/g, '.').replace(/[,、]/g, '');
  if (text === '') return { ok: false, error: 'missing' };
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && !match[3])) return { ok: false, error: 'notNumber' };
  const [, sign, whole, decimals = ''] = match;
  // 12.30 is 12.3; 12.34 cannot be read off a meter that shows tenths.
  const tenthsDigit = decimals.replace(/0+$/, '');
  if (tenthsDigit.length > 1) return { ok: false, error: 'tooPrecise' };
  const tenths = Number(whole || '0') * 10 + Number(tenthsDigit || '0');
  if (sign && tenths > 0) return { ok: false, error: 'negative' };
  if (!Number.isSafeInteger(tenths) || tenths > MAX_TENTHS) return { ok: false, error: 'tooLarge' };
  return { ok: true, tenths };
}
