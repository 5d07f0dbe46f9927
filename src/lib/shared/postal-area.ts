import { normalizeCodeNumber } from './normalize';

/**
 * The utility's own area as its profile lists it: the town (町域) of each postal code in the
 * service area. Enough to fill in the start of a billing address in town; a code from
 * elsewhere (a family member's house in Sapporo) is typed out in full.
 */
export interface PostalArea {
  prefecture: string;
  city: string;
  /** "096-0071" → "緑丘". */
  towns: Record<string, string>;
}

/** A postal code as people type it (〒, hyphens, spaces and full-width digits allowed) as 123-4567, or undefined. */
export function postalCodeOf(input: string): string | undefined {
  const digits = normalizeCodeNumber(input).replace(/^〒/, '');
  return /^\d{7}$/.test(digits) ? `${digits.slice(0, 3)}-${digits.slice(3)}` : undefined;
}

/** The address up to the town for a postal code of the area: "北海道名寄市緑丘"; undefined outside it. */
export function addressStartFor(area: PostalArea | undefined, postalInput: string): string | undefined {
  const code = postalCodeOf(postalInput);
  const town = code === undefined ? undefined : area?.towns[code];
  return town === undefined ? undefined : `${area!.prefecture}${area!.city}${town}`;
}
