import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../server/db/client.js';
import { contracts, faucets } from '../../server/db/schema.js';
import { formatReport } from '../../server/features/imports/report.js';
import { importFiles } from '../../server/features/imports/service.js';
import { driverName, useMigratedDatabase } from './support/database.js';
import { headers, importRules, noticeRules, snapshot, writeCsv } from './support/import-files.js';

/** A 企業団 whose profile names two former towns' tariff districts. */
const rules = { ...importRules, districts: ['furen', 'shimokawa'] };
const header = `${headers.customers},district`;
const line = (faucetNo: string, district: string) => `${faucetNo},名寄 太郎,,,名寄市西1条,,,,2020-04-01,,transfer,${district}`;

describe(`the customers file's district column on ${driverName}`, () => {
  const database = useMigratedDatabase();
  let db: Database;
  beforeEach(() => {
    db = database.db;
  });

  const run = (lines: string[]) => importFiles({ db, now: new Date() }, [{ kind: 'customers', path: writeCsv(lines) }], { rules, notices: noticeRules, ranBy: 'test' });
  const districts = () =>
    db
      .select({ faucetNo: faucets.faucetNo, district: contracts.district })
      .from(contracts)
      .innerJoin(faucets, eq(contracts.faucetId, faucets.id))
      .orderBy(faucets.faucetNo);

  it('keeps a district of the profile on the contract, and an empty one as the utility tariff (null)', async () => {
    const result = await run([header, line('10000001', 'furen'), line('10000002', ''), line('10000003', '　shimokawa ')]);
    expect(result.status).toBe('imported');
    expect(await districts()).toEqual([
      { faucetNo: '10000001', district: 'furen' },
      { faucetNo: '10000002', district: null },
      { faucetNo: '10000003', district: 'shimokawa' }
    ]);
    // A file without the column leaves no district either.
    expect((await run([headers.customers, '10000004,名寄 四郎,,,,,,,2020-04-01,,transfer'])).status).toBe('imported');
    expect((await districts()).at(-1)).toEqual({ faucetNo: '10000004', district: null });
  });

  it('moves a faucet to another district when a corrected row comes', async () => {
    await run([header, line('10000001', 'furen')]);
    const corrected = await run([header, line('10000001', 'shimokawa')]);
    expect(corrected.files[0]).toMatchObject({ updated: 1, inserted: 0 });
    expect(await districts()).toEqual([{ faucetNo: '10000001', district: 'shimokawa' }]);
  });

  it('refuses a district the profile does not name, naming the line and the value, and changes nothing', async () => {
    await run([header, line('10000001', 'furen')]);
    const before = await snapshot(db);
    const result = await run([header, line('10000001', 'shimokawa'), line('10000002', 'nayoro'), line('10000003', '')]);
    expect(result.status).toBe('rejected');
    const report = formatReport(result);
    expect(report).toContain(
      '  3行目 district「nayoro」: プロファイルにない料金区域です（次のいずれか、または空欄: furen, shimokawa） / line 3, district "nayoro": not a tariff district of the profile (one of: furen, shimokawa, or empty)'
    );
    expect(report).toContain('rejected: nothing was changed');
    expect(await snapshot(db)).toEqual(before);
  });

  it('refuses any district when the utility has one tariff', async () => {
    const result = await importFiles({ db, now: new Date() }, [{ kind: 'customers', path: writeCsv([header, line('10000001', 'furen')]) }], {
      rules: importRules,
      notices: noticeRules,
      ranBy: 'test'
    });
    expect(result.status).toBe('rejected');
    expect(formatReport(result)).toContain('line 2, district "furen": the utility has no tariff districts; leave it empty');
    expect(await db.select().from(faucets)).toEqual([]);
  });
});
