import { setTimeout } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import { eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, rateEvents, staff, staffSessions } from '../../server/db/schema.js';
import { commandLine } from '../../server/features/audit/service.js';
import { hashPassword } from '../../server/features/auth/passwords.js';
import { createStaff } from '../../server/features/staff/service.js';
import { failureOf, OLDER_RELEASE_SETTINGS, outcomeOf, startApp, type App } from './support/app.js';
import { driverName } from './support/database.js';
import { STAFF_PASSWORD, signInStaff } from './support/staff.js';

describe(`staff log-in on ${driverName}`, () => {
  let app: App;
  beforeEach(async () => {
    app = await startApp();
  });
  afterEach(async () => {
    await app.close();
  });

  const create = (email: string, role: 'clerk' | 'admin' = 'admin') => createStaff({ db: app.db, now: new Date() }, commandLine, { email, role });

  it('lets a one-time password do nothing but choose a new one, then opens the console', async () => {
    const { password } = await create('kakari@city.example.jp');
    const client = app.client();
    expect(await client.api.staff.auth.login.mutate({ email: 'KAKARI@city.example.jp', password })).toEqual({ mustChangePassword: true });
    expect(await client.api.staff.auth.me.query()).toEqual({ email: 'kakari@city.example.jp', role: 'admin', mustChangePassword: true });
    expect((await failureOf(client.api.staff.admin.auditLog.query({}))).code).toBe('FORBIDDEN');

    const same = await failureOf(client.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: password }));
    expect(same.field).toBe('newPassword');
    const wrong = await failureOf(client.api.staff.auth.changePassword.mutate({ currentPassword: 'not it at all', newPassword: STAFF_PASSWORD }));
    expect(wrong.field).toBe('currentPassword');
    await client.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: STAFF_PASSWORD });

    const actions = (await client.api.staff.admin.auditLog.query({})).map((entry) => entry.action);
    expect(actions).toEqual(['staff.password-change', 'staff.login', 'staff.create']);
    await client.api.staff.auth.logout.mutate();
    expect(await client.api.staff.auth.me.query()).toBeNull();
    expect((await failureOf(client.api.staff.admin.auditLog.query({}))).code).toBe('UNAUTHORIZED');
  });

  it("hashes a staff password stored under an older release's settings again at log-in", async () => {
    await create('kakari@city.example.jp');
    const older = await hash(STAFF_PASSWORD, OLDER_RELEASE_SETTINGS);
    await app.db.update(staff).set({ passwordHash: older, mustChangePassword: false }).where(eq(staff.email, 'kakari@city.example.jp'));
    await app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: STAFF_PASSWORD });
    const [member] = await app.db.select().from(staff).where(eq(staff.email, 'kakari@city.example.jp'));
    expect(member!.passwordHash).toMatch(/^\$argon2id\$v=19\$m=47104,t=1,p=1\$/);
    await expect(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: STAFF_PASSWORD })).resolves.toEqual({ mustChangePassword: false });
    const [again] = await app.db.select().from(staff).where(eq(staff.email, 'kakari@city.example.jp'));
    expect(again!.passwordHash).toBe(member!.passwordHash);
  });

  it('refuses a staff log-in whose password changed while it was being checked', async () => {
    await create('kakari@city.example.jp');
    await app.db.update(staff).set({ passwordHash: await hash(STAFF_PASSWORD, OLDER_RELEASE_SETTINGS) }).where(eq(staff.email, 'kakari@city.example.jp'));
    const changed = await hashPassword('another-staff-password-2027');
    const answer = outcomeOf(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: STAFF_PASSWORD }));
    // Recorded after the hash is read, before the older setting's slow check: change it then.
    while ((await app.db.select().from(rateEvents).where(eq(rateEvents.bucket, 'staff-login:kakari@city.example.jp'))).length === 0) await setTimeout(5);
    await app.db.update(staff).set({ passwordHash: changed }).where(eq(staff.email, 'kakari@city.example.jp'));
    expect(await answer).toMatchObject({ code: 'UNAUTHORIZED' });
    expect((await app.db.select().from(staff).where(eq(staff.email, 'kakari@city.example.jp')))[0]!.passwordHash).toBe(changed);
    expect(await app.db.select().from(staffSessions)).toEqual([]);
  });

  it('lets an admin create a clerk, who logs in with the one-time password, and read the audit log page by page', async () => {
    const admin = await signInStaff(app, 'admin');
    const created = await admin.api.staff.admin.createStaff.mutate({ email: 'New.Clerk@city.example.jp', role: 'clerk', reason: '4月の異動' });
    expect(created.email).toBe('new.clerk@city.example.jp');
    expect(await app.client().api.staff.auth.login.mutate({ email: created.email, password: created.password })).toEqual({ mustChangePassword: true });
    const taken = await failureOf(admin.api.staff.admin.createStaff.mutate({ email: created.email, role: 'admin', reason: '' }));
    expect(taken).toMatchObject({ code: 'CONFLICT', field: 'email' });

    const newest = await admin.api.staff.admin.auditLog.query({});
    expect(newest[1]).toMatchObject({ actor: 'admin@city.example.jp', action: 'staff.create', reason: '4月の異動', details: { email: created.email, role: 'clerk' } });
    const older = await admin.api.staff.admin.auditLog.query({ before: newest[1]!.id });
    expect(older.map((entry) => entry.id)).toEqual(newest.slice(2).map((entry) => entry.id));
  });

  it('answers an unknown address and a wrong password alike', async () => {
    await create('kakari@city.example.jp');
    const unknown = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'nobody@city.example.jp', password: 'whatever-it-is' }));
    const wrong = await failureOf(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: 'whatever-it-is' }));
    expect(unknown).toEqual(wrong);
    expect(unknown.code).toBe('UNAUTHORIZED');
  });

  it('pauses log-in after 10 wrong passwords an hour, apart from the customers’ limit on the same address', async () => {
    const { password } = await create('kakari@city.example.jp');
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => failureOf(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password: 'wrong-password' })))
    );
    expect(outcomes.filter((outcome) => outcome.code === 'TOO_MANY_REQUESTS')).toHaveLength(2);
    expect((await failureOf(app.client().api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password }))).code).toBe('TOO_MANY_REQUESTS');
    const customer = await failureOf(app.client().api.auth.login.mutate({ email: 'kakari@city.example.jp', password: 'wrong-password' }));
    expect(customer.code).toBe('UNAUTHORIZED');
  });

  it('sets its own HttpOnly, SameSite=Lax cookie, which customer routes ignore', async () => {
    const { password } = await create('kakari@city.example.jp');
    const response = await fetch(`${app.baseUrl}/api/trpc/staff.auth.login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
      body: JSON.stringify({ email: 'kakari@city.example.jp', password })
    });
    const [cookie] = response.headers.getSetCookie();
    expect(cookie).toMatch(/^staff_session=[\w-]{43}; Max-Age=28800; Path=\/; HttpOnly; SameSite=Lax$/);
    const me = await fetch(`${app.baseUrl}/api/trpc/auth.me`, { headers: { Cookie: cookie!.split(';')[0]! } });
    expect(((await me.json()) as { result: { data: unknown } }).result.data).toBeNull();
  });

  it('refuses a log-in posted from another origin before checking anything', async () => {
    const { password } = await create('kakari@city.example.jp');
    const outcome = await failureOf(app.client({ origin: 'https://evil.example' }).api.staff.auth.login.mutate({ email: 'kakari@city.example.jp', password }));
    expect(outcome.code).toBe('FORBIDDEN');
    expect(await app.db.select().from(auditLog)).toHaveLength(1);
  });

  it('ends a session idle for 30 minutes, and any session 8 hours after log-in', async () => {
    const idle = await signInStaff(app, 'clerk', 'idle@city.example.jp');
    const long = await signInStaff(app, 'clerk', 'long@city.example.jp');
    await app.db.execute(sql`update staff_sessions set last_seen_at = last_seen_at - interval '29 minutes'`);
    expect(await idle.api.staff.auth.me.query()).not.toBeNull();
    await app.db.execute(sql`update staff_sessions s set last_seen_at = last_seen_at - interval '31 minutes' from staff m where m.id = s.staff_id and m.email = 'idle@city.example.jp'`);
    expect(await idle.api.staff.auth.me.query()).toBeNull();

    // Busy all day: seen a minute ago, but logged in 8 hours ago.
    await app.db.execute(sql`update staff_sessions set created_at = now() - interval '8 hours', expires_at = now() - interval '1 second', last_seen_at = now()`);
    expect(await long.api.staff.auth.me.query()).toBeNull();
  });
});
