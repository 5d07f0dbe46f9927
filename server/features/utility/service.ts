import type { UtilityProfile } from '../../config.js';
import type { PublicProfile } from '../../../src/lib/shared/profile.js';

/** What any visitor may see of the utility's configuration (nothing operational). */
export function publicProfile(profile: UtilityProfile): PublicProfile {
  return {
    id: profile.id,
    name: profile.name,
    section: profile.section,
    phone: profile.phone,
    hours: profile.hours,
    mailFrom: profile.mailFrom,
    faucetNumberExample: profile.faucetNumber.example,
    tariff: profile.tariff,
    readingCycles: profile.readingCycles,
    ...(profile.area ? { area: profile.area } : {}),
    ...(profile.invoice ? { invoice: profile.invoice } : {})
  };
}
