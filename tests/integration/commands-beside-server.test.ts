import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { builtInProfilesDir } from '../../server/config.js';
import { createClient, failureOf, loopbackFetch, TEST_PASSWORD, type Client } from './support/app.js';
import { driverName, useCommandDatabases, type CommandDatabase } from './support/database.js';
import { waitFor } from './support/fault-setup.js';
import { customerLine, headers, readingLine, writeCsv } from './support/import-files.js';
import { withMemberFaucets } from './support/members.js';
import { freshDataDir, runCommand, startServer, stopServer, type ServerProcess } from './support/server-process.js';
import { STAFF_PASSWORD } from './support/staff.js';

const ORIGIN = 'http://localhost:3000';
const FAUCET = { faucetNo: '79999901', phone: '01654-2-0001' };
const STAFF_EMAIL = 'kakari@city.example.jp';
const MEMBER_EMAIL = 'member@example.jp';

const databases = useCommandDatabases();
const running: ServerProcess[] = [];
afterEach(async () => {
  while (running.length) await stopServer(running.pop()!);
});

async function serve(database: CommandDatabase): Promise<ServerProcess> {
  const server = await startServer({ ...database.env, ORIGIN });
  running.push(server);
  return server;
}

async function stop(server: ServerProcess): Promise<void> {
  running.splice(running.indexOf(server), 1);
  expect(await stopServer(server)).toBe(0);
}

async function run(database: CommandDatabase, script: string, args: string[]) {
  const command = runCommand(script, args, database.env);
  return { code: await command.exited, stdout: command.stdout(), stderr: command.stderr() };
}

async function signUpCode(dataDir: string): Promise<string> {
  const outbox = path.join(dataDir, 'mail');
  let code: string | undefined;
  await waitFor(
    'the sign-up code',
    async () => {
      let files: string[] = [];
      try {
        files = readdirSync(outbox).filter((file) => file.endsWith('.eml'));
      } catch {
        return false;
      }
      for (const file of files) {
        const mail = await simpleParser(readFileSync(path.join(outbox, file)));
        code ??= /\b(\d{6})\b/.exec(mail.text ?? '')?.[1];
      }
      return code !== undefined;
    },
    10_000
  );
  return code!;
}

const pull = (client: Client) => client.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] });

describe(`commands beside a running server on ${driverName}`, () => {
  it('staff create and imports reach the running server, and all of it is there after a restart', async () => {
    const database = await withMemberFaucets(await databases.create({ migrated: true }));
    const server = await serve(database);
    // On PostgreSQL the data folder holds no embedded database, and no lock for one.
    expect(existsSync(path.join(database.env.DATA_DIR!, 'pglite.lock'))).toBe(driverName === 'pglite');

    const created = await run(database, 'server/cli/staff.ts', ['create', '--email', STAFF_EMAIL, '--role', 'admin']);
    expect(created.code).toBe(0);
    const oneTime = /one-time password[^:]*: (\S+)/.exec(created.stdout)![1]!;
    const staff = createClient(server.baseUrl, ORIGIN);
    await staff.api.staff.auth.login.mutate({ email: STAFF_EMAIL, password: oneTime });
    await staff.api.staff.auth.changePassword.mutate({ currentPassword: oneTime, newPassword: STAFF_PASSWORD });

    const customers = writeCsv([headers.customers, customerLine(FAUCET.faucetNo, '2024-04-01')]);
    const readings = writeCsv([headers.readings, readingLine(FAUCET.faucetNo, '2025-01', 20), readingLine(FAUCET.faucetNo, '2025-02', 23)]);
    expect((await run(database, 'server/cli/import.ts', ['customers', customers])).code).toBe(0);
    expect((await run(database, 'server/cli/import.ts', ['readings', readings])).code).toBe(0);

    const member = createClient(server.baseUrl, ORIGIN);
    await member.api.auth.signup.requestCode.mutate({ email: MEMBER_EMAIL });
    const { ticket } = await member.api.auth.signup.verifyCode.mutate({ email: MEMBER_EMAIL, code: await signUpCode(database.env.DATA_DIR!) });
    await member.api.auth.signup.proveFaucet.mutate({ ticket, ...FAUCET, consent: true });
    await member.api.auth.signup.complete.mutate({ ticket, nickname: 'なよろ', password: TEST_PASSWORD });
    const seen = (await pull(member)).readings;
    expect(seen?.map((reading) => reading[1])).toEqual(['2025-01', '2025-02']);
    const exported = await run(database, 'server/cli/export.ts', ['paperless', '--out', path.join(database.env.DATA_DIR!, 'paperless.csv')]);
    expect(exported.code).toBe(0);

    await stop(server);
    const restarted = await serve(database);
    const staffAgain = createClient(restarted.baseUrl, ORIGIN);
    await staffAgain.api.staff.auth.login.mutate({ email: STAFF_EMAIL, password: STAFF_PASSWORD });
    const audited = (await staffAgain.api.staff.admin.auditLog.query({})).map((entry) => entry.action);
    expect(audited).toEqual(expect.arrayContaining(['staff.create', 'import']));
    const memberAgain = createClient(restarted.baseUrl, ORIGIN);
    await memberAgain.api.auth.login.mutate({ email: MEMBER_EMAIL, password: TEST_PASSWORD });
    expect((await pull(memberAgain)).readings).toEqual(seen);
  }, 300_000);
});

/** What DATA_DIR/pglite.lock says, as a command reads it. */
const lockOf = (database: CommandDatabase) =>
  JSON.parse(readFileSync(path.join(database.env.DATA_DIR!, 'pglite.lock'), 'utf8')) as { pid: number; role: string; socket?: string };

describe(`a command beside a server of several utilities on ${driverName}`, () => {
  it("works for the utility --utility names only: its staff log in at that utility's host and nowhere else", async () => {
    const database = await databases.create({ migrated: true });
    const several = { ...database.env, UTILITY_CONFIG: builtInProfilesDir, ORIGIN };
    const server = await startServer(several, 90_000);
    running.push(server);
    const command = runCommand('server/cli/staff.ts', ['create', '--email', STAFF_EMAIL, '--role', 'admin', '--utility', 'minami-demo'], several);
    expect(await command.exited).toBe(0);
    const oneTime = /one-time password[^:]*: (\S+)/.exec(command.stdout())![1]!;
    const port = new URL(server.baseUrl).port;
    const at = (host: string) => createClient(`http://${host}:${port}`, `http://${host}:3000`, loopbackFetch);
    const refused = await failureOf(at('localhost').api.staff.auth.login.mutate({ email: STAFF_EMAIL, password: oneTime }));
    expect(refused.status).toBe(401);
    await at('minami.localhost').api.staff.auth.login.mutate({ email: STAFF_EMAIL, password: oneTime });
  }, 120_000);
});

describe.runIf(driverName === 'pglite')('the embedded database has one owner', () => {
  it("a socket client's open transaction holds the server's requests until it ends; neither lands in the other", async () => {
    // Too long a path for a Unix socket: it goes under the temporary directory, named in the lock.
    const database = await withMemberFaucets(await databases.create({ migrated: true, dataDir: path.join(freshDataDir(), 'd'.repeat(100)) }));
    const server = await serve(database);
    const created = await run(database, 'server/cli/staff.ts', ['create', '--email', STAFF_EMAIL, '--role', 'clerk']);
    expect(created.code).toBe(0);
    const oneTime = /one-time password[^:]*: (\S+)/.exec(created.stdout)![1]!;
    const { socket } = lockOf(database);
    expect(socket!.startsWith(tmpdir()) && !socket!.startsWith(database.env.DATA_DIR)).toBe(true);

    for (const ending of ['rollback', 'connection lost'] as const) {
      const command = postgres({ path: socket!, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      const reserved = await command.reserve();
      // Session state, left behind whichever way the connection ends, must not reach the server.
      await reserved`set statement_timeout = 1234`;
      await reserved`begin`;
      await reserved`insert into audit_log (at, actor, action, target_id) values (now(), 'probe', 'probe', ${ending})`;

      // Sent while the command's transaction is open: it waits for its turn, then runs on its own.
      const client = createClient(server.baseUrl, ORIGIN);
      const login = client.api.staff.auth.login.mutate({ email: STAFF_EMAIL, password: oneTime });
      const health = fetch(`${server.baseUrl}/healthz`);
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (ending === 'rollback') {
        await reserved`rollback`;
        reserved.release();
        await command.end();
      } else {
        await command.end({ timeout: 0 });
      }
      await login;
      expect((await health).status).toBe(200);
      // The session the log-in wrote outlived the command's transaction.
      expect(await client.api.staff.auth.me.query()).toMatchObject({ email: STAFF_EMAIL, role: 'clerk' });

      const check = postgres({ path: socket!, user: 'postgres', database: 'postgres', max: 1, onnotice: () => {} });
      const [row] = await check<{ probes: number; timeout: string }[]>`
        select (select count(*)::int from audit_log where actor = 'probe') as probes, current_setting('statement_timeout') as timeout`;
      await check.end();
      expect(row).toEqual({ probes: 0, timeout: '0' });
    }
    await stop(server);
    expect([existsSync(socket!), existsSync(path.join(database.env.DATA_DIR, 'pglite.lock'))]).toEqual([false, false]);
  }, 300_000);

  it('a second server and a command beside a command refuse in one line; nothing changed', async () => {
    const database = await withMemberFaucets(await databases.create({ migrated: true }));
    const server = await serve(database);
    const second = runCommand('server/main.ts', [], { ...database.env, PORT: '0' });
    expect(await second.exited).toBe(1);
    expect(second.stderr()).toMatch(/^Cannot start: the embedded database in \S+ is in use by another portal \(pid \d+\): stop it first, or set DATABASE_URL\n$/);
    // The refused one left the first one's socket alone.
    expect((await run(database, 'server/cli/staff.ts', ['create', '--email', 'first@city.example.jp', '--role', 'clerk'])).code).toBe(0);
    await stop(server);

    // A command holds it (this test process stands in, alive): the server and other commands wait their turn.
    writeFileSync(path.join(database.env.DATA_DIR!, 'pglite.lock'), JSON.stringify({ pid: process.pid, role: 'command' }));
    const refusedServer = runCommand('server/main.ts', [], { ...database.env, PORT: '0' });
    expect(await refusedServer.exited).toBe(1);
    expect(refusedServer.stderr()).toMatch(/is in use by a command \(pid \d+\): start the portal when it has finished\n$/);
    const refused = await run(database, 'server/cli/staff.ts', ['create', '--email', STAFF_EMAIL, '--role', 'clerk']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^the embedded database in \S+ is in use by another command \(pid \d+\): run this one when it has finished, or set DATABASE_URL\n$/);

    // Its process gone, the lock is stale: taken over, and the account was never made.
    const gone = spawnSync(process.execPath, ['-e', '']);
    writeFileSync(path.join(database.env.DATA_DIR!, 'pglite.lock'), JSON.stringify({ pid: gone.pid, role: 'server', socket: '/nonexistent' }));
    const again = await run(database, 'server/cli/staff.ts', ['create', '--email', STAFF_EMAIL, '--role', 'clerk']);
    expect(again).toMatchObject({ code: 0, stdout: expect.stringContaining('created clerk') });
  }, 300_000);
});
