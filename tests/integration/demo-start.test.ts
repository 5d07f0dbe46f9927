import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { demoFaucet } from '../../server/demo/generate.js';
import { demoFaucetStillIn, demoOptions } from '../../server/demo/load.js';
import { importFiles } from '../../server/features/imports/service.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);

describe(`the demo faucet told at every start, on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('is told while the demo faucet is held with the demo phone, and not once a real file gave it another', async () => {
    const { db } = database;
    const now = new Date();
    const demo = demoFaucet(demoOptions(profile, now));
    const load = async (phone: string, start: string) => {
      const row = `${demo.faucetNo},髙橋 美咲,,${phone},名寄市西1条,,,,${start},,transfer`;
      const result = await importFiles({ db, now }, [{ kind: 'customers', path: writeCsv([headers.customers, row]) }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
      expect(result.status).toBe('imported');
    };
    expect(await demoFaucetStillIn(db, profile, now)).toBeUndefined();
    await load(demo.phone, '2020-04-01');
    expect(await demoFaucetStillIn(db, profile, now)).toEqual(demo);
    await load('01654-9-9999', '2020-04-01');
    expect(await demoFaucetStillIn(db, profile, now)).toBeUndefined();
  });
});
