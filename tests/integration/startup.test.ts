import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { demoProfilePath } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { contracts, faucets, importRuns } from '../../server/db/schema.js';
import { createCommandDatabase, serverUrl } from './support/database.js';
import { freshDataDir, runServer, startServer, stopServer, type ServerProcess } from './support/server-process.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** The environment for a server on this run's driver: PGlite in a fresh folder, or a scratch PostgreSQL database. */
async function databaseEnv(): Promise<Record<string, string>> {
  const database = await createCommandDatabase();
  cleanups.push(() => database.dispose());
  return database.env;
}

function tracked(server: ServerProcess): ServerProcess {
  cleanups.push(() => stopServer(server));
  return server;
}

describe('a bad UTILITY_CONFIG stops start-up with exit code 1 and a message naming the field and file', () => {
  const demo = JSON.parse(readFileSync(demoProfilePath, 'utf8')) as Record<string, unknown>;
  const dir = freshDataDir();

  async function failedStart(profile: string | undefined, fileName: string) {
    const file = path.join(dir, fileName);
    if (profile !== undefined) writeFileSync(file, profile);
    const run = runServer({ DATA_DIR: dir, UTILITY_CONFIG: file });
    const code = await run.exited;
    return { code, output: run.output(), file };
  }

  it('missing field', async () => {
    const { tariff: _tariff, ...withoutTariff } = demo;
    const { code, output, file } = await failedStart(JSON.stringify(withoutTariff), 'missing-field.json');
    expect(code).toBe(1);
    expect(output).toContain(`UTILITY_CONFIG ${file}`);
    expect(output).toMatch(/- tariff: /);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('wrong type', async () => {
    const { code, output, file } = await failedStart(JSON.stringify({ ...demo, readingCycles: 'monthly' }), 'wrong-type.json');
    expect(code).toBe(1);
    expect(output).toContain(`UTILITY_CONFIG ${file}`);
    expect(output).toMatch(/- readingCycles: .*expected array/i);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('unreadable file', async () => {
    const { code, output, file } = await failedStart(undefined, 'does-not-exist.json');
    expect(code).toBe(1);
    expect(output).toContain(`UTILITY_CONFIG ${file}: cannot read the file (ENOENT)`);
    expect(output).not.toMatch(/\n\s+at /);
  });
});

describe(`the server process on ${serverUrl ? 'postgres' : 'pglite'}`, () => {
  it('starts on an empty database, answers /healthz, and exits 0 on SIGTERM after closing the database', async () => {
    // An empty embedded database gets the demo before the server listens (below), as slow on a busy machine.
    const server = tracked(await startServer(await databaseEnv(), 90_000));
    const response = await fetch(`${server.baseUrl}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    expect(await stopServer(server)).toBe(0);
    expect(server.output()).toMatch(/"msg":"stopped"/);
  }, 120_000);
});

describe('a database that cannot be reached', () => {
  it('stops start-up with exit code 1 and a log that keeps the system error code', async () => {
    // Port 1 on the loopback: nothing listens there, so the connection is refused at once.
    const run = runServer({ DATA_DIR: freshDataDir(), DATABASE_URL: 'postgres://postgres@127.0.0.1:1/portal' });
    expect(await run.exited).toBe(1);
    const fatal = run.stdout().split('\n').find((line) => line.includes('"level":60'));
    expect(fatal).toContain('"code":"ECONNREFUSED"');
  });
});

describe('demo data at start', () => {
  it.runIf(!serverUrl)('an empty embedded database gets the demo utility through the import code, and the demo faucet is printed', async () => {
    const database = await createCommandDatabase();
    // Loading the demo through the import code takes a while on a busy two-core machine.
    const server = tracked(await startServer(database.env, 90_000));
    const printed = /水栓番号 (\d{8})・電話番号 ([\d-]+) で会員登録を試せます/.exec(server.output());
    expect(printed).not.toBeNull();
    expect(await stopServer(server)).toBe(0);

    const handle = await openDatabase(database.target);
    cleanups.push(() => handle.close());
    const [demo] = await handle.db
      .select({ phone: contracts.phone })
      .from(contracts)
      .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
      .where(eq(faucets.faucetNo, printed![1]!));
    expect(demo!.phone).toBe(printed![2]!.replaceAll('-', ''));
    const runs = await handle.db.select({ kind: importRuns.kind, ranBy: importRuns.ranBy }).from(importRuns).orderBy(importRuns.id);
    expect(runs).toEqual(['customers', 'readings', 'bills', 'payments'].map((kind) => ({ kind, ranBy: 'demo' })));
  }, 120_000);

  it.runIf(serverUrl)('a PostgreSQL database given by DATABASE_URL never gets demo data by itself', async () => {
    const database = await createCommandDatabase();
    cleanups.push(() => database.dispose());
    const server = tracked(await startServer(database.env));
    expect(server.output()).not.toContain('会員登録を試せます');
    const handle = await openDatabase(database.target);
    cleanups.push(() => handle.close());
    expect(await handle.db.select().from(faucets)).toEqual([]);
  });
});

describe.runIf(serverUrl)('two servers started at once against one empty PostgreSQL database', () => {
  it('both come up and the migrations ran once', async () => {
    const env = await databaseEnv();
    const servers = await Promise.all([startServer(env), startServer({ ...env, DATA_DIR: freshDataDir() })]);
    servers.forEach(tracked);
    for (const server of servers) expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200);

    const applied = servers.map((server) => Number(/"migrationsApplied":(\d+)/.exec(server.output())?.[1]));
    const client = postgres(env.DATABASE_URL!, { max: 1 });
    cleanups.push(() => client.end());
    const [row] = await client<{ count: number }[]>`select count(*)::int as count from drizzle.__drizzle_migrations`;
    expect(applied.sort()).toEqual([0, row!.count]);
    expect(row!.count).toBeGreaterThan(0);
  });
});
