/** Hyphen-like marks people type between digits: ASCII, Unicode dashes, minus, and the katakana ー. */
const HYPHENS_AND_SPACES = /[\s\-‐‑‒–—―−ー]/g;

/**
 * Forgiving input for identifying numbers people copy from paper (faucet, phone, postal code): full-width digits become ASCII (NFKC),
 * and hyphens, dashes, ー and spaces (also the full-width space) are dropped.
 * "０１６５４－３－２１１１" → "0165432111".
 */
export function normalizeCodeNumber(input: string): string {
  return input.normalize('NFKC').replace(HYPHENS_AND_SPACES, '');
}

/**
 * Quantities (yen, m³, meter values): full-width digits and points become ASCII and spaces go,
 * but a minus sign stays (as "-") so that the check after it refuses a negative amount.
 */
export function normalizeQuantity(input: string): string {
  return input.normalize('NFKC').replace(/\s/g, '').replace(/[‐‑‒–—―−ー]/g, '-');
}

/** NFKC for any other field: full-width ASCII to half-width, half-width katakana to full-width; trimmed. */
export function normalizeText(input: string): string {
  return input.normalize('NFKC').trim();
}
