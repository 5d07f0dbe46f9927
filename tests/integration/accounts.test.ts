import { randomUUID } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { hash } from '@node-rs/argon2';
import { and, eq, sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { selectRows } from '../../server/db/client.js';
import { FAILED_CHECK_FLOOR_MS, hashPassword } from '../../server/features/auth/passwords.js';
import { endOtherSessions } from '../../server/sessions/sessions.js';
import { clientChanges, customers, emailCodes, faucetLinks, paperSlipChanges, rateEvents, sessions } from '../../server/db/schema.js';
import { failureOf, OLDER_RELEASE_SETTINGS, outcomeOf, signUp as signUpWith, startApp, TEST_PASSWORD, type App, type Client } from './support/app.js';
import { driverName, lockWaiters, serverUrl } from './support/database.js';
import { companyFaucet, faucet, importMemberFaucets } from './support/members.js';

const PASSWORD = TEST_PASSWORD;

let app: App;
let emailCount = 0;
const newEmail = () => `member${(emailCount += 1)}@example.jp`;

beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
});

afterAll(async () => {
  await app.close();
});

const signUp = (client: Client, email: string, index: number) => signUpWith(app, client, email, faucet(index));

/** The account's faucets as a device gets them: a first pull always carries the whole list. */
const pull = (client: Client) => client.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] });
const linksOf = async (client: Client) => (await pull(client)).faucets ?? [];

describe(`accounts on ${driverName}`, () => {
  it('signs up in four steps, and the session works until log-out', async () => {
    const client = app.client();
    const email = newEmail();
    await signUp(client, email, 0);
    expect(await client.api.auth.me.query()).toEqual({ email, nickname: 'なよろ' });
    expect(await linksOf(client)).toMatchObject([{ faucetNo: '40000000', label: null, contractStart: '2020-04-01' }]);
    const [paperless] = await app.db.select().from(paperSlipChanges);
    expect(paperless).toMatchObject({ paperless: true });

    const oldCookies = new Map(client.cookies);
    await client.api.auth.logout.mutate();
    expect(await client.api.auth.me.query()).toBeNull();
    // The old cookie is worth nothing once logged out.
    const replay = app.client();
    for (const [name, value] of oldCookies) replay.cookies.set(name, value);
    expect(await failureOf(pull(replay))).toMatchObject({ code: 'UNAUTHORIZED' });

    await client.api.auth.login.mutate({ email: email.toUpperCase(), password: PASSWORD });
    expect(await client.api.auth.me.query()).toMatchObject({ email });
  });

  it('sets the session cookie HttpOnly and SameSite=Lax, and a new one at every log-in', async () => {
    const email = newEmail();
    const client = app.client();
    await signUp(client, email, 1);
    const first = client.cookies.get('session');
    const response = await fetch(`${app.baseUrl}/api/trpc/auth.login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000', Cookie: `session=${first}` },
      body: JSON.stringify({ email, password: PASSWORD })
    });
    const cookie = response.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^session=[\w-]{40,}; Max-Age=2592000; Path=\/; HttpOnly; SameSite=Lax$/);
    expect(cookie).not.toContain(first);
    // The session from before the log-in ended with it: a planted token is worth nothing.
    const planted = app.client();
    planted.cookies.set('session', first!);
    expect(await planted.api.auth.me.query()).toBeNull();
  });

  it('ends the session a browser presents when it signs up or resets a password: one browser, one session', async () => {
    const shared = app.client();
    const first = newEmail();
    await signUp(shared, first, 24);
    const firstSession = shared.cookies.get('session')!;
    // The next customer on the same browser, whose log-out never reached the server.
    await signUp(shared, newEmail(), 25);
    const replay = app.client();
    replay.cookies.set('session', firstSession);
    expect(await replay.api.auth.me.query()).toBeNull();

    const secondSession = shared.cookies.get('session')!;
    await app.letTimePass(120);
    await shared.api.auth.reset.requestCode.mutate({ email: first });
    await shared.api.auth.reset.complete.mutate({ email: first, code: await app.codeFor(first, 2), password: PASSWORD });
    replay.cookies.set('session', secondSession);
    expect(await replay.api.auth.me.query()).toBeNull();
  });

  it('answers sign-up for a registered and an unknown address identically; the registered one gets a log-in hint, no code', async () => {
    const registered = newEmail();
    await signUp(app.client(), registered, 2);
    await app.letTimePass(120);
    const unknown = newEmail();
    const ask = (email: string) =>
      fetch(`${app.baseUrl}/api/trpc/auth.signup.requestCode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
        body: JSON.stringify({ email })
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    const [forRegistered, forUnknown] = [await ask(registered), await ask(unknown)];
    expect(forRegistered).toEqual(forUnknown);
    const hint = await app.mailTo(registered, 2);
    expect(hint.text).not.toMatch(/\b\d{6}\b/);
    expect(hint.text).toMatch(/ログイン/);
    expect((await app.mailTo(unknown)).text).toMatch(/\b\d{6}\b/);
  });

  it('answers a reset for an unknown address like a known one and mails nothing', async () => {
    const known = newEmail();
    await signUp(app.client(), known, 3);
    const unknown = newEmail();
    const ask = (email: string) =>
      fetch(`${app.baseUrl}/api/trpc/auth.reset.requestCode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
        body: JSON.stringify({ email })
      }).then(async (response) => ({ status: response.status, body: await response.text() }));
    expect(await ask(known)).toEqual(await ask(unknown));
    await app.mailTo(known, 2);
    expect((await app.mails()).filter((mail) => mail.to === unknown)).toEqual([]);
  });

  it('voids a code after five wrong tries: the sixth fails even with the right code', async () => {
    const client = app.client();
    const email = newEmail();
    await client.api.auth.signup.requestCode.mutate({ email });
    const code = await app.codeFor(email);
    const wrong = code === '000000' ? '111111' : '000000';
    for (let tries = 1; tries <= 4; tries += 1) {
      expect(await failureOf(client.api.auth.signup.verifyCode.mutate({ email, code: wrong }))).toMatchObject({ field: 'code' });
    }
    expect((await failureOf(client.api.auth.signup.verifyCode.mutate({ email, code: wrong }))).reason?.en).toMatch(/5 times/);
    const sixth = await failureOf(client.api.auth.signup.verifyCode.mutate({ email, code }));
    expect(sixth.reason?.ja).toMatch(/5回まちがえた/);
  });

  it('takes only the newest code, and names an older one as stale', async () => {
    const client = app.client();
    const email = newEmail();
    await client.api.auth.signup.requestCode.mutate({ email });
    expect(await failureOf(client.api.auth.signup.requestCode.mutate({ email }))).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    const first = await app.codeFor(email, 1);
    await app.letTimePass(61);
    await client.api.auth.signup.requestCode.mutate({ email });
    const second = await app.codeFor(email, 2);
    if (first !== second) {
      const stale = await failureOf(client.api.auth.signup.verifyCode.mutate({ email, code: first }));
      expect(stale.reason?.en).toMatch(/older mail/);
    }
    await expect(client.api.auth.signup.verifyCode.mutate({ email, code: second })).resolves.toMatchObject({ ticket: expect.any(String) });
  });

  it('locks a faucet for everyone after five failed proofs, and the client after twenty', async () => {
    const client = app.client();
    const email = newEmail();
    await client.api.auth.signup.requestCode.mutate({ email });
    const { ticket } = await client.api.auth.signup.verifyCode.mutate({ email, code: await app.codeFor(email) });
    const target = faucet(10);
    const warnings = [];
    for (let tries = 0; tries < 5; tries += 1) {
      const failure = await failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: target.faucetNo, phone: '01654-9-9999', consent: true }));
      expect(failure).toMatchObject({ code: 'BAD_REQUEST', field: 'phone' });
      expect(failure.reason?.ja).toMatch(/へお問い合わせください$/);
      warnings.push(/あと1回間違えると|これで1時間/.exec(failure.reason?.ja ?? '')?.[0] ?? null);
    }
    // Warned before the try that locks, and told when it has.
    expect(warnings).toEqual([null, null, null, 'あと1回間違えると', 'これで1時間']);
    const locked = await failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, ...target, consent: true }));
    expect(locked).toMatchObject({ code: 'TOO_MANY_REQUESTS' });
    expect(locked.reason?.ja).toMatch(/01654-3-2111/);

    // Fifteen more failures over other faucets make twenty from this client.
    for (let index = 11; index < 26; index += 1) {
      await failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: faucet(index).faucetNo, phone: '01654-9-9999', consent: true }));
    }
    const clientLocked = await failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, ...faucet(27), consent: true }));
    expect(clientLocked.reason?.en).toMatch(/this device/);
    await app.db.execute(sql`update proof_attempts set cleared_at = now()`);
  });

  it('gives an unknown faucet, a wrong phone and a faucet with no phone the same answer, and asks for consent', async () => {
    const client = app.client();
    const email = newEmail();
    await client.api.auth.signup.requestCode.mutate({ email });
    const { ticket } = await client.api.auth.signup.verifyCode.mutate({ email, code: await app.codeFor(email) });
    const answers = await Promise.all([
      failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '49999999', phone: '0165420000', consent: true })),
      failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: faucet(12).faucetNo, phone: '0165429999', consent: true })),
      failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '40000099', phone: '0165420000', consent: true }))
    ]);
    expect(new Set(answers.map((answer) => JSON.stringify(answer))).size).toBe(1);
    expect(await failureOf(client.api.auth.signup.proveFaucet.mutate({ ticket, ...faucet(12), consent: false }))).toMatchObject({ field: 'consent' });
    // Forgiving input: full-width digits and hyphens.
    const fullWidth = { faucetNo: '４０００００１２', phone: '０１６５４－２－００１２' };
    await expect(client.api.auth.signup.proveFaucet.mutate({ ticket, ...fullWidth, consent: true })).resolves.toEqual({ faucetNo: '40000012' });
    await app.db.execute(sql`update proof_attempts set cleared_at = now()`);
  });

  it('links a faucet to one account at a time: a second claim is told to call the utility', async () => {
    await signUp(app.client(), newEmail(), 13);
    const other = app.client();
    const email = newEmail();
    await other.api.auth.signup.requestCode.mutate({ email });
    const { ticket } = await other.api.auth.signup.verifyCode.mutate({ email, code: await app.codeFor(email) });
    await other.api.auth.signup.proveFaucet.mutate({ ticket, ...faucet(13), consent: true });
    const claim = await failureOf(other.api.auth.signup.complete.mutate({ ticket, nickname: '二人目', password: PASSWORD }));
    expect(claim).toMatchObject({ code: 'CONFLICT', field: 'faucetNo' });
    expect(claim.reason?.ja).toMatch(/別のアカウント.*01654-3-2111/);
    expect(await app.db.select().from(customers).where(eq(customers.email, email))).toEqual([]);
  });

  it("lets no cookie read or change another account's faucets", async () => {
    const owner = app.client();
    await signUp(owner, newEmail(), 14);
    const [ownersLink] = await linksOf(owner);
    const intruder = app.client();
    await signUp(intruder, newEmail(), 15);

    expect((await linksOf(intruder)).map((link) => link.faucetNo)).toEqual(['40000015']);
    expect(await failureOf(intruder.api.faucets.label.mutate({ linkId: ownersLink!.linkId, label: '乗っ取り', clientId: randomUUID() }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failureOf(intruder.api.faucets.remove.mutate({ linkId: ownersLink!.linkId }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await linksOf(owner)).toEqual([ownersLink]);

    const anonymous = app.client();
    // Each call starts only when its turn comes: a rejection nobody awaits yet would be reported as unhandled.
    for (const call of [
      () => pull(anonymous),
      () => anonymous.api.faucets.add.mutate({ ...faucet(16), label: null, consent: true }),
      () => anonymous.api.faucets.label.mutate({ linkId: ownersLink!.linkId, label: 'x', clientId: randomUUID() }),
      () => anonymous.api.faucets.remove.mutate({ linkId: ownersLink!.linkId }),
      () => anonymous.api.account.changeNickname.mutate({ nickname: 'x' }),
      () => anonymous.api.account.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'another-long-pass' }),
      () => anonymous.api.account.requestEmailChange.mutate({ email: newEmail() }),
      () => anonymous.api.account.confirmEmailChange.mutate({ email: newEmail(), code: '123456' }),
      () => anonymous.api.account.withdraw.mutate({ password: PASSWORD })
    ]) {
      expect(await failureOf(call())).toMatchObject({ code: 'UNAUTHORIZED' });
    }
  });

  it('refuses a mutation with a foreign or missing Origin before doing anything', async () => {
    for (const origin of ['https://evil.example', null]) {
      const client = app.client({ origin });
      const email = newEmail();
      expect(await failureOf(client.api.auth.signup.requestCode.mutate({ email }))).toMatchObject({ code: 'FORBIDDEN' });
      expect(await app.db.select().from(rateEvents).where(eq(rateEvents.bucket, `code:signup:${email}`))).toEqual([]);
    }
  });

  it('refuses a request body over 256 KB without acting on it', async () => {
    const email = newEmail();
    const send = (padding: number) =>
      fetch(`${app.baseUrl}/api/trpc/auth.signup.requestCode`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
        body: JSON.stringify({ email, padding: 'x'.repeat(padding) })
      });
    expect((await send(300 * 1024)).status).toBe(413);
    expect(await app.db.select().from(rateEvents).where(eq(rateEvents.bucket, `code:signup:${email}`))).toEqual([]);
    // The same call, small, goes through: the size alone was refused.
    expect((await send(0)).status).toBe(200);
    expect(await app.db.select().from(rateEvents).where(eq(rateEvents.bucket, `code:signup:${email}`))).toHaveLength(1);
  });

  it('adds, labels and removes faucets, up to twenty', async () => {
    const client = app.client();
    await signUp(client, newEmail(), 17);
    const tooLong = await failureOf(client.api.faucets.add.mutate({ ...faucet(18), label: 'とても長い名前'.repeat(4), consent: true }));
    expect(tooLong).toMatchObject({ field: 'label' });
    await client.api.faucets.add.mutate({ ...faucet(18), label: '店舗', consent: true });
    const links = await linksOf(client);
    expect(links.map((link) => [link.faucetNo, link.label])).toEqual([
      ['40000017', null],
      ['40000018', '店舗']
    ]);
    await client.api.faucets.label.mutate({ linkId: links[0]!.linkId, label: '自宅', clientId: randomUUID() });
    await client.api.faucets.remove.mutate({ linkId: links[1]!.linkId });
    expect((await linksOf(client)).map((link) => [link.faucetNo, link.label])).toEqual([['40000017', '自宅']]);
    const [resumed] = await app.db.select().from(paperSlipChanges).orderBy(sql`id desc`).limit(1);
    expect(resumed).toMatchObject({ paperless: false });

  });

  it('holds at most twenty faucets in one account, with a clear message at the limit', async () => {
    const company = app.client();
    await signUp(company, newEmail(), 29);
    for (let index = 0; index < 19; index += 1) {
      await company.api.faucets.add.mutate({ ...companyFaucet(index), label: null, consent: true });
    }
    expect(await linksOf(company)).toHaveLength(20);
    const full = await failureOf(company.api.faucets.add.mutate({ faucetNo: '50000019', phone: '01654-2-5000', label: null, consent: true }));
    expect(full).toMatchObject({ code: 'BAD_REQUEST', field: 'faucetNo' });
    expect(full.reason?.ja).toMatch(/20件まで/);
    expect(await linksOf(company)).toHaveLength(20);
  });

  it('applies a label change once per client id: a resend after a lost answer changes nothing', async () => {
    const phone = app.client();
    const email = newEmail();
    await signUp(phone, email, 4);
    const computer = app.client();
    await computer.api.auth.login.mutate({ email, password: PASSWORD });
    const [link] = await linksOf(phone);
    const [customer] = await app.db.select({ id: customers.id }).from(customers).where(eq(customers.email, email));
    const change = { linkId: link!.linkId, label: '自宅', clientId: randomUUID() };

    expect(await phone.api.faucets.label.mutate(change)).toEqual({ ok: true, repeated: false });
    // Another device renames it meanwhile; the phone, never having had its answer, sends its change again.
    await computer.api.faucets.label.mutate({ linkId: link!.linkId, label: '実家', clientId: randomUUID() });
    expect(await phone.api.faucets.label.mutate(change)).toEqual({ ok: true, repeated: true });

    expect((await linksOf(phone)).map((faucet) => faucet.label)).toEqual(['実家']);
    expect(await app.db.select().from(clientChanges).where(eq(clientChanges.customerId, customer!.id))).toHaveLength(2);
    // A refused change leaves no id behind: sent again it is refused again, not taken as done.
    const refused = { linkId: 2 ** 31 - 1, label: '店舗', clientId: randomUUID() };
    expect(await failureOf(phone.api.faucets.label.mutate(refused))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await failureOf(phone.api.faucets.label.mutate(refused))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await app.db.select().from(clientChanges).where(eq(clientChanges.customerId, customer!.id))).toHaveLength(2);
  });

  // PGlite runs one statement at a time, so there the race cannot happen and the test could not fail.
  it.runIf(serverUrl)('lets exactly one of two adds sent at once take the twentieth place', async () => {
    const company = app.client();
    await signUp(company, newEmail(), 5);
    for (let index = 20; index < 38; index += 1) {
      await company.api.faucets.add.mutate({ ...companyFaucet(index), label: null, consent: true });
    }
    expect(await linksOf(company)).toHaveLength(19);
    let adds!: Promise<Awaited<ReturnType<typeof outcomeOf>>[]>;
    // New links wait on this lock until both adds are under way, so both come to the count before either has linked.
    await app.db.transaction(async (tx) => {
      await tx.execute(sql`lock table faucet_links in exclusive mode`);
      adds = Promise.all(
        [38, 39].map((index) => outcomeOf(company.api.faucets.add.mutate({ ...companyFaucet(index), label: null, consent: true })))
      );
      const waiting = sql`select count(*)::int as "count" from pg_locks
        where not granted and database = (select oid from pg_database where datname = current_database())`;
      await expect.poll(async () => (await selectRows<{ count: number }>(app.db, waiting))[0]!.count, { timeout: 10_000 }).toBe(2);
    });
    const outcomes = await adds;
    expect(outcomes.map((outcome) => outcome.code).sort()).toEqual(['BAD_REQUEST', 'OK']);
    expect(await linksOf(company)).toHaveLength(20);
  });

  it('changes the nickname, and the password only with the current one, ending the other sessions', async () => {
    const phone = app.client();
    const email = newEmail();
    await signUp(phone, email, 19);
    const computer = app.client();
    await computer.api.auth.login.mutate({ email, password: PASSWORD });

    await phone.api.account.changeNickname.mutate({ nickname: '名寄の家' });
    expect(await computer.api.auth.me.query()).toMatchObject({ nickname: '名寄の家' });
    expect(
      await failureOf(phone.api.account.changePassword.mutate({ currentPassword: 'not-the-password', newPassword: 'yuki-no-hi-2027' }))
    ).toMatchObject({ field: 'currentPassword' });
    expect(await failureOf(phone.api.account.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'password' }))).toMatchObject({
      field: 'newPassword'
    });
    await phone.api.account.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'yuki-no-hi-2027' });
    expect(await phone.api.auth.me.query()).toMatchObject({ email });
    expect(await computer.api.auth.me.query()).toBeNull();
    await expect(app.client().api.auth.login.mutate({ email, password: 'yuki-no-hi-2027' })).resolves.toEqual({ ok: true });
  });

  it("hashes a password stored under an older release's settings again at log-in, and only with the right password", async () => {
    const email = newEmail();
    await signUp(app.client(), email, 6);
    const older = await hash(PASSWORD, OLDER_RELEASE_SETTINGS);
    await app.db.update(customers).set({ passwordHash: older }).where(eq(customers.email, email));
    const storedHash = async () => (await app.db.select({ hash: customers.passwordHash }).from(customers).where(eq(customers.email, email)))[0]!.hash;

    // A wrong password for it answers no sooner than one for an unknown address: the floor hides the slower hash.
    const failureMs = async (address: string) => {
      const started = performance.now();
      await failureOf(app.client().api.auth.login.mutate({ email: address, password: 'not-the-password' }));
      return performance.now() - started;
    };
    expect(await failureMs(email)).toBeGreaterThanOrEqual(FAILED_CHECK_FLOOR_MS);
    expect(await failureMs('nobody-here@example.jp')).toBeGreaterThanOrEqual(FAILED_CHECK_FLOOR_MS);
    expect(await storedHash()).toBe(older);
    await app.client().api.auth.login.mutate({ email, password: PASSWORD });
    const rehashed = await storedHash();
    expect(rehashed).toMatch(/^\$argon2id\$v=19\$m=47104,t=1,p=1\$/);
    await app.client().api.auth.login.mutate({ email, password: PASSWORD });
    expect(await storedHash()).toBe(rehashed);
  });

  it('lets no log-in outlive a password change made while it was checking the password, and keeps the new password', async () => {
    const email = newEmail();
    await signUp(app.client(), email, 7);
    // The older setting's check takes ten times as long: time to change the password during it.
    await app.db.update(customers).set({ passwordHash: await hash(PASSWORD, OLDER_RELEASE_SETTINGS) }).where(eq(customers.email, email));
    const changed = await hashPassword('yuki-no-hi-2027');
    const laptop = app.client();
    const loggingIn = outcomeOf(laptop.api.auth.login.mutate({ email, password: PASSWORD }));
    // The attempt is recorded after the hash is read and before the check: the password changes
    // then, written as a change or a reset writes it (the new hash, then every session ended).
    while ((await app.db.select().from(rateEvents).where(eq(rateEvents.bucket, `login:${email}`))).length === 0) await setTimeout(5);
    const [customer] = await app.db.update(customers).set({ passwordHash: changed }).where(eq(customers.email, email)).returning({ id: customers.id });
    await endOtherSessions(app.db, customer!.id, null);

    expect(await loggingIn).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(await laptop.api.auth.me.query()).toBeNull();
    await expect(app.client().api.auth.login.mutate({ email, password: 'yuki-no-hi-2027' })).resolves.toEqual({ ok: true });
  });

  it.runIf(serverUrl)('makes no session for a log-in whose password changes as it writes the session: it waits for the change, then refuses', async () => {
    const email = newEmail();
    await signUp(app.client(), email, 8);
    const changed = await hashPassword('yuki-no-hi-2027');
    // A connection of its own stands for another process changing the password: its new hash is
    // written, not yet committed, when the log-in comes to write its session.
    const changer = postgres(app.databaseUrl!, { max: 1, onnotice: () => {} });
    const laptop = app.client();
    try {
      let loggingIn: ReturnType<typeof outcomeOf> | undefined;
      await changer.begin(async (tx) => {
        const [customer] = await tx<{ id: number }[]>`update customers set password_hash = ${changed} where email = ${email} returning id`;
        loggingIn = outcomeOf(laptop.api.auth.login.mutate({ email, password: PASSWORD }));
        await lockWaiters(app.databaseUrl!, 1, loggingIn);
        await tx`delete from sessions where customer_id = ${customer!.id}`;
      });
      expect(await loggingIn).toMatchObject({ code: 'UNAUTHORIZED' });
      expect(await laptop.api.auth.me.query()).toBeNull();
    } finally {
      await changer.end();
    }
  });

  it('resets a forgotten password with a mailed code and ends every old session', async () => {
    const old = app.client();
    const email = newEmail();
    await signUp(old, email, 20);
    const client = app.client();
    await client.api.auth.reset.requestCode.mutate({ email });
    const code = await app.codeFor(email, 2);
    await client.api.auth.reset.complete.mutate({ email, code, password: 'atarashii-pass-1' });
    expect(await old.api.auth.me.query()).toBeNull();
    expect(await client.api.auth.me.query()).toMatchObject({ email });
    expect(await failureOf(app.client().api.auth.login.mutate({ email, password: PASSWORD }))).toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('changes the e-mail address with a code sent to the new one and tells the old one', async () => {
    const client = app.client();
    const email = newEmail();
    await signUp(client, email, 21);
    const next = newEmail();
    await client.api.account.requestEmailChange.mutate({ email: next });
    const code = await app.codeFor(next);
    // Typed on a phone's Japanese keyboard: full-width digits.
    const fullWidth = code.replace(/\d/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));
    await client.api.account.confirmEmailChange.mutate({ email: next, code: fullWidth });
    expect(await client.api.auth.me.query()).toMatchObject({ email: next });
    expect((await app.mailTo(email, 2)).subject).toMatch(/変更/);
  });

  it('answers an e-mail change to a taken address like one to a free address, tries included, and never moves onto it', async () => {
    const member = app.client();
    await signUp(member, newEmail(), 26);
    const taken = newEmail();
    await signUp(app.client(), taken, 28);
    await app.letTimePass(120);
    const free = newEmail();
    const attempts = async (email: string) => {
      const answers = [await outcomeOf(member.api.account.requestEmailChange.mutate({ email }))];
      // Six wrong tries: the fifth voids the code, as for any address.
      for (let tries = 0; tries < 6; tries += 1) answers.push(await outcomeOf(member.api.account.confirmEmailChange.mutate({ email, code: 'x00000' })));
      return answers;
    };
    expect(await attempts(taken)).toEqual(await attempts(free));
    const [codes] = await app.db.select({ count: sql<number>`count(*)::int` }).from(emailCodes).where(and(eq(emailCodes.email, taken), eq(emailCodes.purpose, 'email-change')));
    expect(codes!.count).toBe(1);
    // Not mailed a code: the owner of the taken address is told it already has an account.
    expect((await app.mailTo(taken, 2)).text).not.toMatch(/\b\d{6}\b/);
    expect(await member.api.auth.me.query()).not.toMatchObject({ email: taken });
  });

  it('withdraws with the password: account, sessions and links go, paper slips resume, the contract stays', async () => {
    const client = app.client();
    const email = newEmail();
    await signUp(client, email, 22);
    const [customer] = await app.db.select().from(customers).where(eq(customers.email, email));
    expect(await failureOf(client.api.account.withdraw.mutate({ password: 'wrong-password' }))).toMatchObject({ field: 'password' });
    await client.api.account.withdraw.mutate({ password: PASSWORD });
    expect(await app.db.select().from(customers).where(eq(customers.id, customer!.id))).toEqual([]);
    expect(await app.db.select().from(sessions).where(eq(sessions.customerId, customer!.id))).toEqual([]);
    expect(await app.db.select().from(faucetLinks).where(eq(faucetLinks.customerId, customer!.id))).toEqual([]);
    expect(await client.api.auth.me.query()).toBeNull();
    const [resumed] = await app.db.select().from(paperSlipChanges).orderBy(sql`id desc`).limit(1);
    expect(resumed).toMatchObject({ paperless: false });
    // The faucet can be proven again by its holder.
    await expect(signUp(app.client(), newEmail(), 22)).resolves.toBeDefined();
  });

  it('never puts a password, its hash or a code into a log line or a response', async () => {
    const client = app.client();
    const email = newEmail();
    const code = await signUp(client, email, 23);
    const [stored] = await app.db.select().from(customers).where(eq(customers.email, email));
    const me = JSON.stringify(await client.api.auth.me.query());
    const logs = app.logLines.join('\n');
    for (const secret of [PASSWORD, stored!.passwordHash, code]) {
      expect(logs).not.toContain(secret);
      expect(me).not.toContain(secret);
    }
    expect(logs).not.toContain('$argon2');
    const [row] = await app.db.select().from(emailCodes).where(eq(emailCodes.email, email));
    expect(row!.codeHash).not.toContain(code);
  });
});
