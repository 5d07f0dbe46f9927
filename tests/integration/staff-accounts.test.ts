import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, customers, staff, staffSessions } from '../../server/db/schema.js';
import { commandLine } from '../../server/features/audit/service.js';
import { createStaff } from '../../server/features/staff/service.js';
import { failureOf, outcomeOf, startApp, type App } from './support/app.js';
import { driverName } from './support/database.js';
import { STAFF_PASSWORD, signInStaff } from './support/staff.js';

const HOUR_MS = 3600_000;
const ROUNDS = 8;

describe(`staff accounts are accountable, on ${driverName}`, () => {
  let app: App;
  beforeEach(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    await app.close();
  });

  const entries = (action: string) => app.db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(auditLog.id);
  const memberRow = async (email: string) => (await app.db.select().from(staff).where(eq(staff.email, email)))[0]!;

  it('audits every failed log-in, an unknown address as a wrong password, with nobody as the actor and nothing of the address typed', async () => {
    await signInStaff(app, 'clerk', 'kakari@city.example.jp');
    const member = await memberRow('kakari@city.example.jp');
    const wrong = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: 'not-the-password' }));
    const unknown = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'somebody.else@example.jp', password: 'not-the-password' }));
    expect(unknown).toEqual(wrong);

    const failed = await entries('staff.login-failed');
    expect(failed).toMatchObject([
      { staffId: null, actor: 'not signed in', targetKind: 'staff', targetId: String(member.id), details: { client: '127.0.0.1' } },
      { staffId: null, actor: 'not signed in', targetKind: 'staff', targetId: null, details: { client: '127.0.0.1' } }
    ]);
    expect(JSON.stringify(await app.db.select().from(auditLog))).not.toContain('somebody.else');
  });

  it('audits each search, with what was searched for, and each account view', async () => {
    const clerk = await signInStaff(app, 'clerk');
    const [customer] = await app.db.insert(customers).values({ email: 'hanako@example.jp', nickname: 'はなこ', passwordHash: 'x', createdAt: new Date() }).returning();
    expect(await clerk.api.staff.support.search.query({ query: 'nobody@example.jp' })).toEqual([]);
    expect(await clerk.api.staff.support.search.query({ query: 'hanako' })).toHaveLength(1);
    await clerk.api.staff.support.account.query({ customerId: customer!.id });
    const clerkId = (await memberRow('clerk@city.example.jp')).id;
    expect(await entries('account.search')).toMatchObject([
      { staffId: clerkId, actor: 'clerk@city.example.jp', details: { query: 'nobody@example.jp', found: 0 } },
      { staffId: clerkId, actor: 'clerk@city.example.jp', details: { query: 'hanako', found: 1 } }
    ]);
    expect(await entries('account.view')).toMatchObject([{ staffId: clerkId, targetKind: 'customer', targetId: String(customer!.id) }]);
  });

  it('lets a one-time password expire after 72 hours, told only to whoever has it, and clears the expiry once a password is chosen', async () => {
    const given = new Date(Date.now() - 72 * HOUR_MS - 60_000);
    const { password } = await createStaff({ db: app.db, now: given }, commandLine, { email: 'late@city.example.jp', role: 'clerk' });
    expect((await memberRow('late@city.example.jp')).passwordExpiresAt).toEqual(new Date(given.getTime() + 72 * HOUR_MS));

    const wrong = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'late@city.example.jp', password: 'not-the-password' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    const expired = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'late@city.example.jp', password }));
    expect(expired).toMatchObject({ code: 'FORBIDDEN', reason: { en: 'The one-time password has expired (72 hours); ask an admin' } });
    expect(await app.db.select().from(staffSessions)).toEqual([]);
    expect(await entries('staff.login-refused')).toMatchObject([{ actor: 'not signed in', details: { why: 'one-time password expired' } }]);

    const fresh = await createStaff({ db: app.db, now: new Date() }, commandLine, { email: 'new@city.example.jp', role: 'clerk' });
    const client = app.client();
    await client.api.staff.auth.login.mutate({ email: 'new@city.example.jp', password: fresh.password });
    await client.api.staff.auth.changePassword.mutate({ currentPassword: fresh.password, newPassword: STAFF_PASSWORD });
    expect((await memberRow('new@city.example.jp')).passwordExpiresAt).toBeNull();
  });

  it('lets an admin give a new one-time password, valid 72 hours, which ends the account’s sessions; only with a reason', async () => {
    const admin = await signInStaff(app, 'admin');
    const given = new Date(Date.now() - 73 * HOUR_MS);
    const first = await createStaff({ db: app.db, now: given }, commandLine, { email: 'late@city.example.jp', role: 'clerk' });
    const before = await memberRow('late@city.example.jp');
    expect(await failureOf(admin.api.staff.admin.issueOneTimePassword.mutate({ email: 'late@city.example.jp', reason: '' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'reason' });
    expect(await memberRow('late@city.example.jp')).toEqual(before);

    const issued = await admin.api.staff.admin.issueOneTimePassword.mutate({ email: 'late@city.example.jp', reason: '期限切れ' });
    expect(issued.password).toMatch(/^[A-Za-z2-9]{16}$/);
    const after = await memberRow('late@city.example.jp');
    expect(after.passwordExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 71 * HOUR_MS);
    expect(after.mustChangePassword).toBe(true);
    expect((await failureOf(app.client().api.staff.auth.login.mutate({ email: 'late@city.example.jp', password: first.password }))).code).toBe('UNAUTHORIZED');
    const clerk = app.client();
    expect(await clerk.api.staff.auth.login.mutate({ email: 'late@city.example.jp', password: issued.password })).toEqual({ mustChangePassword: true });
    await admin.api.staff.admin.issueOneTimePassword.mutate({ email: 'late@city.example.jp', reason: 'もう一度' });
    expect(await clerk.api.staff.auth.me.query()).toBeNull();
    expect(await entries('staff.password-reset')).toMatchObject([
      { actor: 'admin@city.example.jp', targetId: String(after.id), reason: '期限切れ' },
      { actor: 'admin@city.example.jp', targetId: String(after.id), reason: 'もう一度' }
    ]);
  });

  it('lets an admin disable a clerk, whose sessions end at once and who cannot log in, and enable them again, each with a reason in the audit log', async () => {
    const admin = await signInStaff(app, 'admin');
    const clerk = await signInStaff(app, 'clerk');
    const clerkId = (await memberRow('clerk@city.example.jp')).id;

    const blank = await failureOf(admin.api.staff.admin.disableStaff.mutate({ email: 'clerk@city.example.jp', reason: ' ' }));
    expect(blank).toMatchObject({ code: 'BAD_REQUEST', field: 'reason' });
    const byClerk = await failureOf(clerk.api.staff.admin.disableStaff.mutate({ email: 'admin@city.example.jp', reason: 'いたずら' }));
    expect(byClerk.code).toBe('FORBIDDEN');
    const nobody = await failureOf(admin.api.staff.admin.disableStaff.mutate({ email: 'nobody@city.example.jp', reason: '退職' }));
    expect(nobody).toMatchObject({ code: 'NOT_FOUND', field: 'email' });
    expect((await memberRow('clerk@city.example.jp')).disabledAt).toBeNull();
    expect(await clerk.api.staff.auth.me.query()).not.toBeNull();

    expect(await admin.api.staff.admin.disableStaff.mutate({ email: 'Clerk@City.example.jp', reason: '退職' })).toMatchObject({ staffId: clerkId, sessionsEnded: 1 });
    expect(await clerk.api.staff.auth.me.query()).toBeNull();
    expect(await app.db.select().from(staffSessions).where(eq(staffSessions.staffId, clerkId))).toEqual([]);
    const again = await failureOf(admin.api.staff.admin.disableStaff.mutate({ email: 'clerk@city.example.jp', reason: '退職' }));
    expect(again).toMatchObject({ code: 'CONFLICT' });

    const wrong = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'clerk@city.example.jp', password: 'not-the-password' }));
    expect(wrong.code).toBe('UNAUTHORIZED');
    const disabled = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'clerk@city.example.jp', password: STAFF_PASSWORD }));
    expect(disabled).toMatchObject({ code: 'FORBIDDEN', reason: { en: 'This account is disabled; ask an admin' } });
    expect(await app.db.select().from(staffSessions).where(eq(staffSessions.staffId, clerkId))).toEqual([]);

    expect((await admin.api.staff.admin.staffList.query()).map((row) => [row.email, row.disabledAt !== null])).toEqual([
      ['admin@city.example.jp', false],
      ['clerk@city.example.jp', true]
    ]);
    await admin.api.staff.admin.enableStaff.mutate({ email: 'clerk@city.example.jp', reason: '再雇用' });
    expect(await failureOf(admin.api.staff.admin.enableStaff.mutate({ email: 'clerk@city.example.jp', reason: '再雇用' }))).toMatchObject({ code: 'CONFLICT' });
    await app.client().api.staff.auth.login.mutate({ email: 'clerk@city.example.jp', password: STAFF_PASSWORD });

    const acts = await app.db.select().from(auditLog).where(sql`${auditLog.action} in ('staff.disable', 'staff.enable', 'staff.login-refused')`).orderBy(auditLog.id);
    expect(acts).toMatchObject([
      { action: 'staff.disable', actor: 'admin@city.example.jp', targetId: String(clerkId), reason: '退職', details: { email: 'clerk@city.example.jp', sessionsEnded: 1 } },
      { action: 'staff.login-refused', actor: 'not signed in', targetId: String(clerkId), details: { why: 'disabled' } },
      { action: 'staff.enable', actor: 'admin@city.example.jp', targetId: String(clerkId), reason: '再雇用' }
    ]);
  });

  it('never disables the last active admin, and changes nothing trying', async () => {
    const admin = await signInStaff(app, 'admin');
    const before = await app.db.select().from(auditLog);
    const refused = await failureOf(admin.api.staff.admin.disableStaff.mutate({ email: 'admin@city.example.jp', reason: '異動' }));
    expect(refused).toMatchObject({ code: 'CONFLICT', reason: { en: 'The last active admin cannot be disabled; make another admin first' } });
    expect((await memberRow('admin@city.example.jp')).disabledAt).toBeNull();
    expect(await admin.api.staff.auth.me.query()).not.toBeNull();
    expect(await app.db.select().from(auditLog)).toEqual(before);
  });

  it('of two admins disabling each other at the same moment, exactly one succeeds, round after round', async () => {
    let survivor = await signInStaff(app, 'admin', 'admin-0@city.example.jp');
    let survivorEmail = 'admin-0@city.example.jp';
    for (let round = 1; round <= ROUNDS; round += 1) {
      const newcomerEmail = `admin-${round}@city.example.jp`;
      const newcomer = await signInStaff(app, 'admin', newcomerEmail);
      const outcomes = await Promise.all([
        outcomeOf(survivor.api.staff.admin.disableStaff.mutate({ email: newcomerEmail, reason: '異動' })),
        outcomeOf(newcomer.api.staff.admin.disableStaff.mutate({ email: survivorEmail, reason: '異動' }))
      ]);
      // The loser finds its session already ended (UNAUTHORIZED), or, having got past the door, its own
      // account disabled (FORBIDDEN) or the other the last admin (CONFLICT): never a 500, never both.
      expect(outcomes.filter((outcome) => outcome.code === 'OK')).toHaveLength(1);
      expect(outcomes.map((outcome) => outcome.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(UNAUTHORIZED|FORBIDDEN|CONFLICT)$/)]));
      if (outcomes[1]!.code === 'OK') [survivor, survivorEmail] = [newcomer, newcomerEmail];
      const active = await app.db.select({ email: staff.email }).from(staff).where(sql`${staff.role} = 'admin' and ${staff.disabledAt} is null`);
      expect(active).toEqual([{ email: survivorEmail }]);
    }
    expect(await entries('staff.disable')).toHaveLength(ROUNDS);
  }, 120_000);
});
