import { mkdtempSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_BYTES, servePglite, SharedPGlite, type SocketServer } from './pglite-socket.js';

let pglite: SharedPGlite;
let served: SocketServer;
let socketPath: string;

beforeAll(async () => {
  pglite = await SharedPGlite.open('memory://', 'socket-test');
  socketPath = path.join(mkdtempSync(path.join(tmpdir(), 'pglite-socket-')), 'socket');
  served = await servePglite(pglite, socketPath);
}, 60_000);

afterAll(async () => {
  await served?.close();
  await pglite?.close();
});

const int32 = (value: number) => {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes;
};
const STARTUP = (() => {
  const body = Buffer.concat([int32(196608), Buffer.from('user\0postgres\0database\0postgres\0\0')]);
  return Buffer.concat([int32(body.length + 4), body]);
})();

/** Sends bytes on a connection of its own; resolves when the server has closed it. */
function closedAfter(bytes: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath, () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('error', reject);
    socket.on('close', () => resolve());
  });
}

const client = () => postgres({ path: socketPath, user: 'postgres', database: 'postgres', max: 1, prepare: false, onnotice: () => {} });

describe('servePglite', () => {
  it('ends a connection whose message length cannot be, and goes on serving others', async () => {
    const impossible = [
      Buffer.alloc(8),
      Buffer.concat([STARTUP, Buffer.from('Q'), int32(0xffffffff)]),
      Buffer.concat([STARTUP, Buffer.from('Q'), int32(2), Buffer.from('se')]),
      Buffer.concat([STARTUP, Buffer.from('Q'), int32(MAX_MESSAGE_BYTES + 1)])
    ];
    for (const bytes of impossible) await closedAfter(bytes);
    const sql = client();
    expect(await sql`select 1 as one`).toEqual([{ one: 1 }]);
    await sql.end();
    expect((await pglite.query('select 2 as two')).rows).toEqual([{ two: 2 }]);
  });

  it("hands the turn back with the session as it was: a client's settings never reach the server's queries", async () => {
    await pglite.exec(`
      create table parent (id int primary key);
      create table child (parent int references parent);
      create schema elsewhere;
      create table elsewhere.child (parent int);
      create table guarded (n int);
      create function refuse() returns trigger language plpgsql as $$ begin raise exception 'append-only'; end $$;
      create trigger guarded_no_update before update on guarded for each row execute function refuse();
      insert into guarded values (1);`);
    const sql = client();
    await sql`set session_replication_role = replica`;
    await sql`set search_path = elsewhere`;
    await sql`select pg_advisory_lock(42)`;
    // Idle between its statements, the client has handed the turn back.
    await expect(pglite.query('insert into child values (1)')).rejects.toThrow(/foreign key/);
    await expect(pglite.query('update guarded set n = 2')).rejects.toThrow(/append-only/);
    const { rows } = await pglite.query(`select current_setting('search_path') as path, (select count(*)::int from pg_locks where locktype = 'advisory') as locks`);
    expect(rows).toEqual([{ path: 'public', locks: 0 }]);
    await sql.end();
  });

  it("leaves a connected client's prepared statements alone when another disconnects", async () => {
    const preparing = postgres({ path: socketPath, user: 'postgres', database: 'postgres', max: 1, prepare: true, onnotice: () => {} });
    expect(await preparing`select ${1}::int as one`).toEqual([{ one: 1 }]);
    const other = client();
    await other`select 1`;
    await other.end();
    // postgres.js would prepare anew on a missing statement, hiding the loss from it.
    const { rows } = await pglite.query(`select count(*)::int as prepared from pg_prepared_statements where statement like 'select $1::int as one'`);
    expect(rows).toEqual([{ prepared: 1 }]);
    await preparing.end();
  });

  it('keeps this process and socket clients out while work runs alone, however many statements and transactions it makes', async () => {
    await pglite.exec('create table turns_taken (n serial, who text)');
    const alone = pglite.alone(async () => {
      await pglite.query(`insert into turns_taken (who) values ('alone')`);
      await pglite.transaction(async (tx) => {
        await tx.query(`insert into turns_taken (who) values ('alone')`);
      });
      await pglite.exec(`insert into turns_taken (who) values ('alone')`);
    });
    const other = pglite.query(`insert into turns_taken (who) values ('other')`);
    const sql = client();
    await Promise.all([alone, other, sql`insert into turns_taken (who) values ('socket')`]);
    await sql.end();
    const { rows } = await pglite.query<{ who: string }>('select who from turns_taken order by n');
    expect(rows.map((row) => row.who).slice(0, 3)).toEqual(['alone', 'alone', 'alone']);
    expect(rows.map((row) => row.who).sort()).toEqual(['alone', 'alone', 'alone', 'other', 'socket']);
  });

  it('is created for its owner alone', () => {
    expect(statSync(socketPath).mode & 0o077).toBe(0);
  });

  it('cuts off a client that holds its turn too long however busy it keeps it, undoing its transaction', async () => {
    await pglite.exec('create table held (n int)');
    const shortPath = `${socketPath}-short`;
    const short = await servePglite(pglite, shortPath, 500);
    const sql = postgres({ path: shortPath, user: 'postgres', database: 'postgres', max: 1, prepare: false, onnotice: () => {} });
    const reserved = await sql.reserve();
    await reserved`begin`;
    await reserved`insert into held values (1)`;
    const cutOff = (async () => {
      for (;;) {
        await reserved`select 1`;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    await expect(cutOff).rejects.toThrow();
    expect((await pglite.query('select count(*)::int as n from held')).rows).toEqual([{ n: 0 }]);
    await sql.end({ timeout: 0 });
    await short.close();
  });
});
