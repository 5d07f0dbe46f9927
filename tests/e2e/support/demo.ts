import { readFileSync } from 'node:fs';
import { demoProfilePath, parseProfile } from '../../../server/config.js';
import { demoFaucet, featuredFaucets, type Story } from '../../../server/demo/generate.js';
import { demoOptions } from '../../../server/demo/load.js';

/** The demo profile the e2e server runs with (no UTILITY_CONFIG). */
export const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);

/** The faucet to sign up with, as `npm start` suggests it. */
export function signupFaucet(): { faucetNo: string; phone: string } {
  return demoFaucet(demoOptions(profile, new Date()));
}

/** Another household with a registered phone, to add as a second faucet. */
export function otherFaucet(story: Exclude<Story, 'demo' | 'vacant'> = 'latePayer'): { faucetNo: string; phone: string } {
  const faucet = featuredFaucets(demoOptions(profile, new Date())).find((featured) => featured.story === story);
  if (!faucet?.phone) throw new Error(`the demo has no ${story} faucet with a phone`);
  return { faucetNo: faucet.faucetNo, phone: faucet.phone };
}
