import path from 'node:path';
import { sql } from 'drizzle-orm';
import type { UtilityProfile } from '../config.js';
import { selectRows, type Database } from '../db/client.js';
import { utilityOf } from '../db/in-utility.js';
import { lastCompleteMonth } from '../domain/calendar.js';
import { currentContract } from '../features/contracts/service.js';
import { normalizeCodeNumber } from '../../src/lib/shared/normalize.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { importKinds, rowRulesOf } from '../domain/import-rows.js';
import { importFiles } from '../features/imports/service.js';
import { demoFaucet, generateDemo, utilityDemoOptions, type DemoOptions } from './generate.js';
import { writeDemoFiles } from './write.js';

export async function isDatabaseEmpty(db: Database): Promise<boolean> {
  const [row] = await selectRows<{ found: boolean }>(db, sql`select exists (select 1 from faucets where utility_id = ${utilityOf(db)}) as found`);
  return !row?.found;
}

/** The demo utility `npm start` loads for the profile: its town's faucets (300 in Nayoro), two years up to last month. */
export function demoOptions(profile: UtilityProfile, now: Date): DemoOptions {
  const utility = utilityDemoOptions(profile);
  return { faucets: utility.town.startFaucets, months: 24, seed: 1, endPeriod: lastCompleteMonth(now), ...utility };
}

/**
 * Fills an empty database with the demo utility the way a utility would: the demo files are
 * written to DATA_DIR/demo/<utility> and imported by the same import code as any billing-system file.
 * Returns the faucet number and phone to try sign-up with.
 */
export async function loadDemoUtility(
  db: Database,
  profile: UtilityProfile,
  dataDir: string,
  now: Date,
  onProgress: (message: string) => void
): Promise<{ faucetNo: string; phone: string }> {
  const options = demoOptions(profile, now);
  const dir = path.join(dataDir, 'demo', profile.id);
  onProgress(`writing the demo utility's billing files to ${dir}`);
  await writeDemoFiles(dir, generateDemo(options), { encoding: 'utf8' });
  const result = await importFiles(
    { db, now },
    importKinds.map((kind) => ({ kind, path: path.join(dir, `${kind}.csv`) })),
    {
      rules: rowRulesOf(profile),
      notices: profile.notices,
      ranBy: 'demo',
      onProgress: (kind, rows) => onProgress(`importing ${kind}: ${rows.toLocaleString('en')} rows`)
    }
  );
  if (result.status !== 'imported') throw new Error(`the demo files did not import (${result.status})`);
  return demoFaucet(options);
}

/**
 * The demo's sign-up faucet while the demo utility is still in the database: its faucet held by
 * a running contract with the demo's phone. Undefined once real files replaced it, so a utility's
 * own data is never advertised as a demo.
 */
export async function demoFaucetStillIn(db: Database, profile: UtilityProfile, now: Date): Promise<{ faucetNo: string; phone: string } | undefined> {
  const demo = demoFaucet(demoOptions(profile, now));
  const contract = await currentContract(db, demo.faucetNo, tokyoDate(now));
  return contract?.phone === normalizeCodeNumber(demo.phone) ? demo : undefined;
}
