import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { selectRows, type Database } from '../../server/db/client.js';
import { demoFaucet } from '../../server/demo/generate.js';
import { demoFaucetStillIn, demoOptions, isDatabaseEmpty, loadDemoUtility } from '../../server/demo/load.js';
import { driverName, useCommandDatabases } from './support/database.js';

const minamiProfilePath = fileURLToPath(new URL('../../server/profiles/minami.json', import.meta.url));
const minami = parseProfile(readFileSync(minamiProfilePath, 'utf8'), minamiProfilePath);
const nayoro = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);

/** What the portal's role (held to the utility seal's policies) sees of the faucets, set to `utility`. */
function faucetsSeenBy(db: Database, utility: string): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role portal_app`);
    await tx.execute(sql`select set_config('app.utility', ${utility}, true)`);
    const [row] = await selectRows<{ count: number }>(tx, sql`select count(*)::int as count from faucets`);
    return row!.count;
  });
}

describe(`the second demo utility (南町, ${minami.id}) loaded by loadDemoUtility on ${driverName}`, () => {
  const databases = useCommandDatabases();

  it("fills a fresh database as its utility: its faucet numbers, bimonthly readings and the sign-up faucet, none of it the other utility's", async () => {
    const database = await databases.create({ migrated: true });
    // The session is the profile's utility: the column default current_setting('app.utility') stamps every row.
    const { db } = await databases.open({ ...database, target: { ...database.target, utility: minami.id } });
    const now = new Date();

    const signUp = await loadDemoUtility(db, minami, database.env.DATA_DIR, now, () => {});

    expect(signUp).toEqual(demoFaucet(demoOptions(minami, now)));
    expect(await demoFaucetStillIn(db, minami, now)).toEqual(signUp);
    const faucets = await selectRows<{ faucetNo: string }>(db, sql`select faucet_no as "faucetNo" from faucets`);
    expect(faucets).toHaveLength(demoOptions(minami, now).faucets);
    const form = new RegExp(minami.faucetNumber.pattern);
    expect(faucets.filter(({ faucetNo }) => !form.test(faucetNo))).toEqual([]);

    // Months between a faucet's consecutive readings, from their periods (YYYY-MM).
    const gaps = await selectRows<{ months: number }>(
      db,
      sql`select distinct months from (
            select month - lag(month) over (partition by faucet_id order by month) as months
            from (select faucet_id, substr(period, 1, 4)::int * 12 + substr(period, 6, 2)::int as month from readings) reading
          ) gap where months is not null`
    );
    expect(gaps.map((gap) => gap.months)).toEqual([2]);
    const [counts] = await selectRows<{ bills: number; readings: number }>(
      db,
      sql`select (select count(*)::int from bills) as bills, (select count(*)::int from readings) as readings`
    );
    expect(counts!.bills).toBe(counts!.readings);

    const stamped = await selectRows<{ utility: string }>(
      db,
      sql`select utility_id as utility from faucets union select utility_id from contracts union select utility_id from readings
          union select utility_id from bills union select utility_id from payments`
    );
    expect(stamped).toEqual([{ utility: minami.id }]);
    expect(await faucetsSeenBy(db, minami.id)).toBe(faucets.length);
    expect(await faucetsSeenBy(db, nayoro.id)).toBe(0);
    expect(await isDatabaseEmpty(db)).toBe(false);
  });
});
