import type { Localized } from './localized';
import type { PostalArea } from './postal-area';

export interface VolumeTier {
  upToM3: number | null;
  yenPerM3: number;
}

export interface Tariff {
  taxRatePercent: number;
  rounding: 'floor' | 'round' | 'ceil';
  water: { basicChargeByMeterSize: Record<string, number>; volumeTiers: VolumeTier[] };
  sewer: { basicCharge: number; volumeTiers: VolumeTier[] };
}

/** One of a merged 企業団's former towns that keeps its own tariff (料金区域). */
export interface TariffDistrict {
  /** As the customers file's `district` column writes it. */
  id: string;
  label: Localized;
  tariff: Tariff;
}

/** A utility's tariff districts; a faucet in none of them has the profile's `tariff`, called `defaultLabel`. */
export interface TariffDistricts {
  defaultLabel: Localized;
  districts: TariffDistrict[];
}

/** How often a district's meters are read: one bill covers `months` months. */
export interface ReadingCycle {
  id: string;
  months: 1 | 2;
  label: Localized;
}

/** The utility profile as the app receives it and keeps it for offline use. */
export interface PublicProfile {
  id: string;
  name: Localized;
  section: Localized;
  phone: string;
  hours: Localized;
  mailFrom: string;
  faucetNumberExample: string;
  tariff: Tariff;
  /** Absent when the utility has one tariff (or in a copy stored before districts came). */
  tariffDistricts?: TariffDistricts;
  /** Absent in a copy a device stored before the simulator came. */
  readingCycles?: ReadingCycle[];
  /** The service area's postal codes, for filling in addresses; absent when the profile has none. */
  area?: PostalArea;
  /** The qualified-invoice issuer; absent when the utility has no registration number (or in an older stored copy). */
  invoice?: { registrationNumber: string; issuerName: Localized };
  /**
   * 使用開始・使用中止's lead, with the days other than weekends the office is closed (holidays,
   * 年末年始) from the day the profile was fetched, CLOSED_DAYS_AHEAD days on (src/lib/shared/moves.ts).
   */
  moves?: { leadBusinessDays: number; closedDays: string[] };
}
