import type { Localized } from './localized';

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
}
