import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { describe, expect, it } from 'vitest';
import { openDatabase, selectRows, type Database } from '../../server/db/client.js';
import { driverName, serverUrl, useMigratedDatabase } from './support/database.js';
import { demoUtility } from './support/import-files.js';

/** Tables that hold no utility's rows: the server's own secrets (VAPID keys, the code-hash key). */
const DEPLOYMENT_TABLES = ['server_secrets'];

const OTHER = 'minami-demo';

const listOf = (names: string[]) => sql`(${sql.join(names.map((name) => sql`${name}`), sql`, `)})`;

/** A query drizzle refused: its message names the statement, its cause the database's reason. */
const refusedFor = (reason: RegExp) => ({ cause: { message: expect.stringMatching(reason) } });

async function publicTables(db: Database): Promise<string[]> {
  const rows = await selectRows<{ name: string }>(db, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  return rows.map((row) => row.name);
}

/** Two faucets with a contract each, one a utility: the other utility's written as the owner, past its policy. */
async function twoUtilities(db: Database): Promise<void> {
  await db.execute(sql`insert into faucets (faucet_no) values ('10000001')`);
  await db.execute(sql`insert into contracts (faucet_id, holder_name, contract_start, payment_method)
    select id, '名寄 太郎', '2020-04-01', 'transfer' from faucets`);
  await db.transaction(async (tx) => {
    await tx.execute(sql`select set_config('app.utility', ${OTHER}, true)`);
    await tx.execute(sql`insert into faucets (faucet_no) values ('10000001')`);
    await tx.execute(sql`insert into contracts (faucet_id, holder_name, contract_start, payment_method)
      select id, '南 花子', '2021-04-01', 'invoice' from faucets where utility_id = ${OTHER}`);
  });
}

/** Runs work as the portal's role (not a superuser, so held to the policies), for `utility`. */
function asPortal<T>(db: Database, utility: string, work: (tx: Database) => Promise<T>): Promise<T> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`set local role portal_app`);
    await tx.execute(sql`select set_config('app.utility', ${utility}, true)`);
    return work(tx as unknown as Database);
  });
}

describe(`utilities sealed off by the database on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it('leads every primary key, unique key and reference of a utility’s table with utility_id', async () => {
    const { db } = database;
    const tables = (await publicTables(db)).filter((table) => !DEPLOYMENT_TABLES.includes(table));
    expect(tables.length).toBeGreaterThan(20);
    const keys = await selectRows<{ table: string; name: string; type: string; first: string }>(
      db,
      sql`select c.conrelid::regclass::text as "table", c.conname as name, c.contype::text as type, a.attname as first
          from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
          where c.contype in ('p', 'u', 'f') and c.connamespace = 'public'::regnamespace and c.conrelid::regclass::text not in ${listOf(DEPLOYMENT_TABLES)}`
    );
    expect(keys.filter((key) => key.first !== 'utility_id')).toEqual([]);
    expect(new Set(keys.filter((key) => key.type === 'p').map((key) => key.table))).toEqual(new Set(tables));
    const uniqueIndexes = await selectRows<{ name: string; first: string }>(
      db,
      sql`select i.indexrelid::regclass::text as name, a.attname as first from pg_index i
          join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
          where i.indisunique and i.indrelid::regclass::text in ${listOf(tables)}`
    );
    expect(uniqueIndexes.length).toBeGreaterThan(tables.length);
    expect(uniqueIndexes.filter((index) => index.first !== 'utility_id')).toEqual([]);
    const sealed = await selectRows<{ table: string; forced: boolean; policies: number }>(
      db,
      sql`select c.relname as "table", c.relrowsecurity and c.relforcerowsecurity as forced,
            (select count(*)::int from pg_policy p where p.polrelid = c.oid) as policies
          from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind = 'r' and c.relname in ${listOf(tables)} order by 1`
    );
    expect(sealed).toEqual(tables.map((table) => ({ table, forced: true, policies: 1 })));
  });

  it('shows the portal’s role only its utility’s rows, none without a utility, and refuses a write into another', async () => {
    const { db } = database;
    await twoUtilities(db);
    const holders = (tx: Database) => selectRows<{ holder_name: string }>(tx, sql`select holder_name from contracts order by 1`);

    expect(await asPortal(db, demoUtility, holders)).toEqual([{ holder_name: '名寄 太郎' }]);
    expect(await asPortal(db, OTHER, holders)).toEqual([{ holder_name: '南 花子' }]);
    // A query whose transaction forgot its utility sees nothing, in any table.
    const tables = (await publicTables(db)).filter((name) => !DEPLOYMENT_TABLES.includes(name));
    const forgotten = await asPortal(db, '', async (tx) => {
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const [row] = await selectRows<{ count: number }>(tx, sql`select count(*)::int as count from ${sql.identifier(table)}`);
        counts[table] = row!.count;
      }
      return counts;
    });
    expect(Object.values(forgotten).every((count) => count === 0)).toBe(true);
    expect(forgotten.contracts).toBe(0);

    // Another utility's rows can be neither changed nor removed: they are not there for the role.
    const touched = await asPortal(db, demoUtility, async (tx) => {
      const updated = await selectRows(tx, sql`update contracts set holder_name = 'X' where utility_id = ${OTHER} returning 1`);
      const removed = await selectRows(tx, sql`delete from readings where utility_id = ${OTHER} returning 1`);
      return updated.length + removed.length;
    });
    expect(touched).toBe(0);
    await expect(
      asPortal(db, demoUtility, (tx) => tx.execute(sql`insert into faucets (utility_id, faucet_no) values (${OTHER}, '10000002')`))
    ).rejects.toMatchObject(refusedFor(/row-level security/));
    // Nor can a row of one utility refer to another's: the reference carries the utility.
    await expect(
      db.execute(sql`insert into contracts (faucet_id, holder_name, contract_start, payment_method)
        select id, '越境', '2022-04-01', 'transfer' from faucets where utility_id = ${OTHER}`)
    ).rejects.toMatchObject(refusedFor(/foreign key/));

    const all = await selectRows<{ utility_id: string; holder_name: string }>(db, sql`select utility_id, holder_name from contracts order by 1`);
    expect(all).toEqual([
      { utility_id: OTHER, holder_name: '南 花子' },
      { utility_id: demoUtility, holder_name: '名寄 太郎' }
    ]);
  });

  it('keeps the audit log from being changed by the portal’s role even before its trigger', async () => {
    const { db } = database;
    await db.execute(sql`insert into audit_log (at, actor, action) values (now(), 'command line', 'import.run')`);
    await expect(asPortal(db, demoUtility, (tx) => tx.execute(sql`delete from audit_log`))).rejects.toMatchObject(refusedFor(/permission denied/));
  });

  it("gives the portal a utility's share that queries as portal_app, held to its utility's rows", async () => {
    const { db, testDb } = database;
    await twoUtilities(db);
    for (const [utility, holder] of [
      [demoUtility, '名寄 太郎'],
      [OTHER, '南 花子']
    ]) {
      const share = await testDb.handle.forUtility(utility!);
      try {
        const rows = await selectRows<{ role: string; holder: string }>(share.db, sql`select current_user as role, holder_name as holder from contracts`);
        expect(rows).toEqual([{ role: 'portal_app', holder }]);
        // Inside a transaction too (drizzle's, as the services open them).
        const inside = await share.db.transaction((tx) => selectRows<{ count: number }>(tx, sql`select count(*)::int as count from faucets`));
        expect(inside).toEqual([{ count: 1 }]);
      } finally {
        await share.close();
      }
    }
  });

  it('lets the portal’s role analyze the portal’s tables through the owner’s function, and no other table', async () => {
    const { db } = database;
    await asPortal(db, demoUtility, (tx) => tx.execute(sql`select analyze_tables(array['faucets', 'contracts']::text[])`));
    await expect(asPortal(db, demoUtility, (tx) => tx.execute(sql`analyze faucets`).then(() => tx.execute(sql`select analyze_tables(array['pg_authid']::text[])`)))).rejects.toMatchObject(
      refusedFor(/"pg_authid" is not a table of the portal/)
    );
  });

  it.runIf(serverUrl)('refuses to open a utility’s share as a user that row-level security does not hold and that may not take the portal’s role', async () => {
    const { db, testDb } = database;
    const user = `bypass_${Date.now()}`;
    await db.execute(sql.raw(`create role ${user} login bypassrls`));
    const url = new URL(testDb.url!);
    url.username = user;
    const owner = await openDatabase({ databaseUrl: url.href, utility: demoUtility });
    try {
      await expect(owner.forUtility(demoUtility)).rejects.toThrow(new RegExp(`the database user ${user} is a superuser or bypasses row-level security and cannot take the role portal_app`));
    } finally {
      await owner.close();
      await db.execute(sql.raw(`drop role ${user}`));
    }
  });

  // A fresh connection of another process, with no utility at all: PGlite has only the one session.
  it.runIf(serverUrl)('gives a connection that names no utility no rows, and no insert', async () => {
    const { db, testDb } = database;
    await twoUtilities(db);
    const bare = postgres(testDb.url!, { max: 1, onnotice: () => {}, connection: { role: 'portal_app' } });
    try {
      expect(await bare`select count(*)::int as count from contracts`).toEqual([{ count: 0 }]);
      await expect(bare`insert into faucets (faucet_no) values ('10000003')`).rejects.toThrow(/app\.utility/);
    } finally {
      await bare.end();
    }
  });
});
