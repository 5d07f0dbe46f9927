import type { Localized } from './localized';
import type { Tariff, TariffDistricts } from './profile';

/** What of a profile says which tariff a faucet has: the server's profile and the device's copy alike. */
export interface TariffsByDistrict {
  tariff: Tariff;
  tariffDistricts?: TariffDistricts;
}

/**
 * The tariff of a faucet in `district` (its contract's, from the customers file; null: none).
 * The import refuses a district the profile does not name, but a profile may drop one later:
 * such a faucet is priced by the utility's tariff, and a bill it does not give to the yen is
 * said to differ (bill-explained.ts), as after any tariff revision.
 */
export function tariffOf(profile: TariffsByDistrict, district: string | null): Tariff {
  if (district === null) return profile.tariff;
  return profile.tariffDistricts?.districts.find((candidate) => candidate.id === district)?.tariff ?? profile.tariff;
}

/** A tariff the customer may choose in the simulator; `id` '' is the utility's own tariff (no district). */
interface DistrictChoice {
  id: string;
  label: Localized;
  tariff: Tariff;
}

/** The simulator's choice of district: none when the utility has one tariff; else its own tariff first, then each district's. */
export function districtChoices(profile: TariffsByDistrict): DistrictChoice[] {
  if (!profile.tariffDistricts) return [];
  return [{ id: '', label: profile.tariffDistricts.defaultLabel, tariff: profile.tariff }, ...profile.tariffDistricts.districts];
}

/** The label of a faucet's district, for its bill; undefined when the utility has one tariff or the profile no longer names it. */
export function districtLabel(profile: TariffsByDistrict, district: string | null): Localized | undefined {
  return districtChoices(profile).find((choice) => choice.id === (district ?? ''))?.label;
}
