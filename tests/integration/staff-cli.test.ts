import { readdirSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtInProfilesDir } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { auditLog, staff } from '../../server/db/schema.js';
import { passwordMatches } from '../../server/features/auth/passwords.js';
import { createCommandDatabase, driverName, useCommandDatabases, type CommandDatabase } from './support/database.js';
import { runCommand } from './support/server-process.js';

const databases = useCommandDatabases();

async function runStaff(database: CommandDatabase, args: string[]) {
  const run = runCommand('server/cli/staff.ts', args, database.env);
  return { code: await run.exited, stdout: run.stdout(), stderr: run.stderr() };
}

describe(`npm run staff on ${driverName}`, () => {
  it('creates a staff member with a one-time password that must be changed, and audits it', async () => {
    const database = await databases.create({ migrated: true });
    const run = await runStaff(database, ['create', '--email', ' Kakari@City.Example.JP ', '--role', 'admin']);
    expect(run.code).toBe(0);
    const password = /one-time password[^:]*: (\S+)/.exec(run.stdout)?.[1];
    expect(password).toMatch(/^[A-Za-z2-9]{16}$/);

    const handle = await databases.open(database);
    const [member] = await handle.db.select().from(staff).where(eq(staff.email, 'kakari@city.example.jp'));
    expect(member).toMatchObject({ role: 'admin', mustChangePassword: true });
    expect(member!.passwordHash).not.toContain(password!);
    expect(await passwordMatches(member!.passwordHash, password!)).toBe(true);
    expect(await handle.db.select({ actor: auditLog.actor, action: auditLog.action, targetId: auditLog.targetId }).from(auditLog)).toEqual([
      { actor: 'command line', action: 'staff.create', targetId: String(member!.id) }
    ]);

    const again = await runStaff(database, ['create', '--email', 'kakari@city.example.jp', '--role', 'clerk']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('exists');
  }, 60_000);

  it('disables and enables a staff account, never the last active admin, each audited', async () => {
    const database = await databases.create({ migrated: true });
    expect((await runStaff(database, ['create', '--email', 'kanri@city.example.jp', '--role', 'admin'])).code).toBe(0);
    expect((await runStaff(database, ['create', '--email', 'kakari@city.example.jp', '--role', 'clerk'])).code).toBe(0);

    const last = await runStaff(database, ['disable', '--email', 'kanri@city.example.jp']);
    expect(last.code).toBe(1);
    expect(last.stderr).toContain('The last active admin cannot be disabled');

    const disabled = await runStaff(database, ['disable', '--email', 'Kakari@City.Example.JP', '--reason', '退職']);
    expect(disabled).toMatchObject({ code: 0, stdout: 'disabled kakari@city.example.jp (0 sessions ended)\n' });
    expect(await runStaff(database, ['disable', '--email', 'kakari@city.example.jp'])).toMatchObject({ code: 1, stderr: 'This staff account is already disabled\n' });
    expect(await runStaff(database, ['enable', '--email', 'kakari@city.example.jp'])).toMatchObject({ code: 0, stdout: 'enabled kakari@city.example.jp\n' });
    expect(await runStaff(database, ['enable', '--email', 'kakari@city.example.jp'])).toMatchObject({ code: 1, stderr: 'This staff account is not disabled\n' });

    // Opened once the commands are done: a second embedded database on the same folder is not for a test either.
    const again = await databases.open(database);
    expect((await again.db.select({ disabledAt: staff.disabledAt }).from(staff).where(eq(staff.email, 'kakari@city.example.jp')))[0]!.disabledAt).toBeNull();
    const acts = await again.db.select({ actor: auditLog.actor, action: auditLog.action, reason: auditLog.reason }).from(auditLog).orderBy(auditLog.id);
    expect(acts.slice(2)).toEqual([
      { actor: 'command line', action: 'staff.disable', reason: '退職' },
      { actor: 'command line', action: 'staff.enable', reason: null }
    ]);
  }, 240_000);

  describe('a usage error', () => {
    // Refused before a database is opened: all the cases share one, which none of them may touch.
    let database: CommandDatabase;
    beforeAll(async () => {
      database = await createCommandDatabase();
    });
    afterAll(async () => {
      await database.dispose();
    });

    // Each case is a process of its own that waits for nothing: they run side by side.
    it.concurrent.for([
      [['create', '--email', 'a@city.example.jp', '--role', 'boss'], 'unknown role: boss'],
      [['create', '--email', 'a@city.example.jp'], '--role is required'],
      [['create', '--role', 'clerk'], '--email is required'],
      [['remove', '--email', 'a@city.example.jp', '--role', 'clerk'], 'unknown command: remove'],
      [['create', '--email', 'a@city.example.jp', '--role', 'clerk', '--force'], "Unknown option '--force'"],
      [['disable'], '--email is required'],
      [['enable', '--email', 'a@city.example.jp', '--role', 'clerk'], '--role is for create only']
    ] as const)('exits 2 with the usage for %j, the database untouched', async ([args, message], { expect }) => {
      const run = await runStaff(database, [...args]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain(message);
      expect(run.stderr).toContain('usage: npm run staff -- create --email E --role clerk|admin');
      expect(await isUntouched(database)).toBe(true);
    });
  });
});

describe(`npm run staff with several utilities on ${driverName}`, () => {
  it('needs --utility with a directory of profiles, refuses an unknown one untouched, and gives each utility its own staff of the same e-mail', async () => {
    const database = await databases.create({ migrated: true });
    const several = { ...database.env, UTILITY_CONFIG: builtInProfilesDir };
    const create = ['create', '--email', 'kakari@city.example.jp', '--role', 'admin'];
    const run = async (args: string[], env: Record<string, string> = several) => {
      const command = runCommand('server/cli/staff.ts', args, env);
      return { code: await command.exited, stderr: command.stderr() };
    };

    const missing = await run(create);
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('--utility ID is required: this deployment serves nayoro-demo, minami-demo') });
    const unknown = await run([...create, '--utility', 'kita-demo']);
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('--utility kita-demo: no such utility (nayoro-demo, minami-demo)') });
    // The demo profile alone: its own id is taken, the other refused.
    expect((await run([...create, '--utility', 'minami-demo'], database.env)).code).toBe(2);
    // Opened by the test only between commands: the embedded database has one owner at a time.
    const untouched = await openDatabase(database.target);
    expect(await untouched.db.select().from(staff)).toEqual([]);
    await untouched.close();

    expect((await run([...create, '--utility', 'minami-demo'])).code).toBe(0);
    expect((await run([...create, '--utility', 'nayoro-demo'])).code).toBe(0);
    // A second admin of one utility's e-mail is refused in that utility only.
    expect((await run([...create, '--utility', 'minami-demo'])).code).toBe(1);
    // With no UTILITY_CONFIG (the built-in demo utilities) it may be left out: the first utility's.
    expect((await run(['create', '--email', 'demo@city.example.jp', '--role', 'clerk'], { ...database.env, UTILITY_CONFIG: '' })).code).toBe(0);
    const handle = await databases.open(database);
    expect(await handle.db.select({ utility: staff.utilityId, email: staff.email }).from(staff).orderBy(staff.utilityId, staff.email)).toEqual([
      { utility: 'minami-demo', email: 'kakari@city.example.jp' },
      { utility: 'nayoro-demo', email: 'demo@city.example.jp' },
      { utility: 'nayoro-demo', email: 'kakari@city.example.jp' }
    ]);
    expect(await handle.db.select({ utility: auditLog.utilityId, action: auditLog.action }).from(auditLog).orderBy(auditLog.utilityId)).toEqual([
      { utility: 'minami-demo', action: 'staff.create' },
      { utility: 'nayoro-demo', action: 'staff.create' },
      { utility: 'nayoro-demo', action: 'staff.create' }
    ]);
  }, 90_000);
});

/** Whether no command opened the database: a command makes its embedded one in DATA_DIR, and migrates any it opens. */
async function isUntouched(database: CommandDatabase): Promise<boolean> {
  if (readdirSync(database.env.DATA_DIR!).length > 0) return false;
  if (!('databaseUrl' in database.target)) return true;
  const client = postgres(database.target.databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const [row] = await client<{ tables: number }[]>`select count(*)::int as tables from pg_tables where schemaname not in ('pg_catalog', 'information_schema')`;
    return row!.tables === 0;
  } finally {
    await client.end();
  }
}
