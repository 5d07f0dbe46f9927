import { randomUUID } from 'node:crypto';
import { TRPCClientError } from '@trpc/client';
import { desc, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows, type Database } from '../../server/db/client.js';
import { customers, faucetLinks, notices, procedures, pushSubscriptions } from '../../server/db/schema.js';
import { importFiles } from '../../server/features/imports/service.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { appRouter } from '../../server/router.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { loopbackFetch, outboxMails, signUp, TEST_PASSWORD, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';
import { procedureSamples } from './support/procedure-samples.js';
import { signInStaff, STAFF_PASSWORD } from './support/staff.js';
import { startUtilities, type HostedUtility, type Utilities } from './support/utilities.js';

/**
 * Issue 29, item 5: one utility's customer or clerk, handed another utility's ids, cookies, codes,
 * tickets or client ids, learns nothing and changes nothing there. Utility A is the victim, B
 * the attacker's, each way round; both hold the same kinds of rows.
 */

/** Everything a utility holds that an attacker at another might try: its people, and the ids and secrets of their rows. */
interface Seeded {
  utility: HostedUtility;
  /** In every e-mail address of the utility's people: found in an answer at the other utility, it leaked. */
  side: string;
  faucets: { faucetNo: string; phone: string }[];
  member: Client;
  memberEmail: string;
  customerId: number;
  linkId: number;
  procedureId: number;
  noticeId: number;
  endpoint: string;
  /** The client ids its member's outbox used: a procedure filed, a label, a notice read; and a move-in's. */
  clientIds: { procedure: string; label: string; noticeRead: string; moveIn: string };
  clerk: Client;
  admin: Client;
  clerkEmail: string;
  /** A sign-up proven but not completed. */
  provenTicket: string;
  /** A sign-up whose ticket is fresh: no faucet proven yet. */
  freshTicket: string;
  /** A code mailed and not yet used: for sign-up, a password reset, an e-mail change, a move-in. */
  signupCode: { email: string; code: string };
  resetCode: { email: string; code: string };
  emailChangeCode: { email: string; code: string };
  moveCode: { email: string; code: string };
  /** A move-in's confirmed address, no filing yet. */
  moveTicket: string;
  /** A faucet locked by failed proofs. */
  lockedFaucetNo: string;
}

const subscription = (name: string) => ({ endpoint: `https://fcm.googleapis.com/fcm/send/${name}`, keys: { p256dh: `BPk${name.replaceAll('-', '')}key`, auth: 'c2VjcmV0LWF1dGg' } });
const addressChange = { name: '名寄 花子', postalCode: '096-8686', address: '名寄市大通南1丁目' };

function moveInForm(utility: HostedUtility) {
  const firstDay = createBusinessCalendar(utility.profile.closingDays).addBusinessDays(tokyoDate(new Date()), utility.profile.moves.leadBusinessDays);
  return { supplyPostalCode: '096-0071', supplyAddress: '北海道名寄市緑丘1-2', faucetNo: '', applicantName: '新居 三郎', applicantKana: 'アライ サブロウ', phone: '090-1111-2222', firstDay, debit: 'yes' };
}

/** A visitor's confirmed address for sign-up or a move-in: the ticket from the code mailed. */
async function confirmed(utility: HostedUtility, flow: 'signup' | 'moves', email: string) {
  const visitor = utility.client();
  const codes = flow === 'signup' ? visitor.api.auth.signup : visitor.api.moves;
  await codes.requestCode.mutate({ email });
  const { ticket } = await codes.verifyCode.mutate({ email, code: await utility.codeFor(email) });
  return { visitor, ticket };
}

/** Fills one utility with a member and everything around them, as its people would, through its host. */
async function seed(utility: HostedUtility, side: string, firstFaucet: number, phonePrefix: string): Promise<Seeded> {
  const faucets = Array.from({ length: 5 }, (_, index) => ({ faucetNo: String(firstFaucet + index), phone: `${phonePrefix}-000${index + 1}` }));
  const imported = await importFiles(
    { db: utility.db, now: new Date() },
    [{ kind: 'customers', path: writeCsv([headers.customers, ...faucets.map(({ faucetNo, phone }) => `${faucetNo},利用者 ${faucetNo},,${phone},名寄市西1条,,,,2020-04-01,,transfer`)]) }],
    { rules: importRules, notices: noticeRules, ranBy: 'test' }
  );
  expect(imported.status).toBe('imported');
  const email = (who: string) => `${who}@${side}.example.jp`;
  const db = utility.db;

  const member = utility.client();
  const memberEmail = email('member');
  await signUp(utility, member, memberEmail, faucets[0]!);
  const [customer] = await db.select({ id: customers.id }).from(customers).where(eq(customers.email, memberEmail));
  const [link] = await db.select({ id: faucetLinks.id }).from(faucetLinks).where(eq(faucetLinks.customerId, customer!.id));
  const linkId = link!.id;
  const clientIds = { procedure: randomUUID(), label: randomUUID(), noticeRead: randomUUID(), moveIn: randomUUID() };
  const filed = await member.api.procedures.file.mutate({ clientId: clientIds.procedure, linkId, kind: 'billing-address', fields: addressChange });
  const [procedure] = await db.select({ id: procedures.id }).from(procedures).where(eq(procedures.receiptNo, filed.receiptNo));

  const clerkEmail = email('clerk');
  const clerk = await signInStaff(utility, 'clerk', clerkEmail);
  const admin = await signInStaff(utility, 'admin', email('admin'));
  await clerk.api.staff.procedures.setStatus.mutate({ procedureId: procedure!.id, status: 'processing', note: '確認中' });
  const [notice] = await db.select({ id: notices.id }).from(notices).where(eq(notices.customerId, customer!.id));
  await member.api.noticeReads.mark.mutate({ noticeId: notice!.id, clientId: clientIds.noticeRead });
  await member.api.faucets.label.mutate({ linkId, label: '自宅', clientId: clientIds.label });
  const device = subscription(`${side}-phone`);
  await member.api.noticeSettings.subscribe.mutate(device);

  const changedEmail = email('changed');
  await member.api.account.requestEmailChange.mutate({ email: changedEmail });
  await utility.client().api.auth.reset.requestCode.mutate({ email: memberEmail });
  // The member's second mail: the first was the sign-up code.
  const resetCode = { email: memberEmail, code: await utility.codeFor(memberEmail, 2) };

  const pending = await confirmed(utility, 'signup', email('pending'));
  await pending.visitor.api.auth.signup.proveFaucet.mutate({ ticket: pending.ticket, ...faucets[1]!, consent: true });
  const { ticket: freshTicket } = await confirmed(utility, 'signup', email('fresh'));
  await utility.client().api.auth.signup.requestCode.mutate({ email: email('waiting') });

  const mover = await confirmed(utility, 'moves', email('mover'));
  await mover.visitor.api.moves.fileMoveIn.mutate({ ticket: mover.ticket, clientId: clientIds.moveIn, fields: moveInForm(utility) });
  const { ticket: moveTicket } = await confirmed(utility, 'moves', email('mover-2'));
  await utility.client().api.moves.requestCode.mutate({ email: email('mover-3') });

  const locker = await confirmed(utility, 'signup', email('locker'));
  const lockedFaucetNo = faucets[2]!.faucetNo;
  for (let tries = 0; tries < 5; tries += 1) {
    await locker.visitor.api.auth.signup.proveFaucet.mutate({ ticket: locker.ticket, faucetNo: lockedFaucetNo, phone: '090-0000-0000', consent: true }).catch(() => undefined);
  }
  expect((await clerk.api.staff.support.proofLock.query({ faucetNo: lockedFaucetNo })).locked).toBe(true);

  return {
    utility,
    side,
    faucets,
    member,
    memberEmail,
    customerId: customer!.id,
    linkId,
    procedureId: procedure!.id,
    noticeId: notice!.id,
    endpoint: device.endpoint,
    clientIds,
    clerk,
    admin,
    clerkEmail,
    provenTicket: pending.ticket,
    freshTicket,
    signupCode: { email: email('waiting'), code: await utility.codeFor(email('waiting')) },
    resetCode,
    emailChangeCode: { email: changedEmail, code: await utility.codeFor(changedEmail) },
    moveCode: { email: email('mover-3'), code: await utility.codeFor(email('mover-3')) },
    moveTicket,
    lockedFaucetNo
  };
}

/** What a call answered, as its caller sees it: the data, or the error's code, status, reason and field (not the request's id). */
async function answerOf(call: Promise<unknown>) {
  try {
    return { data: await call };
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const { code, httpStatus, reason, field } = (error.data ?? {}) as Record<string, unknown>;
    return { error: { code, httpStatus, reason, field, message: error.message } };
  }
}

/** A row as JSON text, a bigint as its digits (JSON has none). */
const asJson = (row: unknown) => JSON.stringify(row, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value));

/** Every row of every table, as the owner sees them (past the policies): table → utility → its rows, in one order. */
async function everyRow(ownerDb: Database): Promise<Record<string, Record<string, string[]>>> {
  const tables = await selectRows<{ name: string }>(ownerDb, sql`select tablename as name from pg_tables where schemaname = 'public' order by 1`);
  const snapshot: Record<string, Record<string, string[]>> = {};
  for (const { name } of tables) {
    const byUtility: Record<string, string[]> = {};
    for (const row of await selectRows<Record<string, unknown>>(ownerDb, sql.raw(`select * from "${name}"`))) {
      (byUtility[String(row.utility_id ?? 'the deployment')] ??= []).push(asJson(row));
    }
    for (const rows of Object.values(byUtility)) rows.sort();
    snapshot[name] = byUtility;
  }
  return snapshot;
}

/** One table's rows of one utility in a snapshot. */
const rowsOf = (snapshot: Record<string, Record<string, string[]>>, utility: string) =>
  Object.fromEntries(Object.entries(snapshot).map(([table, byUtility]) => [table, byUtility[utility] ?? []]));

const mailFiles = async (outbox: string) => (await outboxMails(outbox)).map((mail) => mail.file);

const allProcedures = Object.keys(appRouter._def.procedures).sort();

let deployment: Utilities;
let seeded: Seeded[];

beforeAll(async () => {
  deployment = await startUtilities();
  const [nayoro, minami] = deployment.utilities as [HostedUtility, HostedUtility];
  seeded = [await seed(nayoro, 'nayoro-side', 41_000_001, '01654-2'), await seed(minami, 'minami-side', 42_000_001, '01654-3')];
}, 180_000);

afterAll(async () => {
  await deployment?.close();
});

interface RawRequest {
  cookie?: string;
  /** Its sample input unless told. */
  input?: unknown;
  /** The utility's own unless told. */
  origin?: string;
}

/** A procedure sent at `utility`'s host as a browser would, with raw cookies: the status, and the body without the request's id. */
async function sendRaw(utility: HostedUtility, path: string, { cookie, input = procedureSamples[path]!.input, origin = utility.origin }: RawRequest = {}) {
  const sample = procedureSamples[path]!;
  const url = `http://${utility.host}:${deployment.port}/api/trpc/${path}`;
  const headers: Record<string, string> = { Origin: origin, ...(cookie ? { Cookie: cookie } : {}) };
  const body = input === undefined ? undefined : JSON.stringify(input);
  const response =
    sample.type === 'query'
      ? await loopbackFetch(body === undefined ? url : `${url}?input=${encodeURIComponent(body)}`, { headers })
      : await loopbackFetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
  const text = await response.text();
  return { status: response.status, body: text.replace(/"requestId":"[^"]*"/g, '"requestId":"…"') };
}

/** The cookies of a customer and a staff member together: each procedure reads its own. */
const cookiesOf = (customer: Client, staff: Client) => `session=${customer.cookies.get('session')}; staff_session=${staff.cookies.get('staff_session')}`;

/** The procedures anyone may call, signed in or not: sign-up, log-in and out, resets, move-ins, the profile, "who am I". */
const openProcedures = [
  'utility.profile', 'auth.me', 'auth.login', 'auth.logout', 'auth.signup.requestCode', 'auth.signup.verifyCode', 'auth.signup.proveFaucet',
  'auth.signup.complete', 'auth.reset.requestCode', 'auth.reset.complete', 'moves.requestCode', 'moves.verifyCode', 'moves.fileMoveIn',
  'staff.auth.me', 'staff.auth.login', 'staff.auth.logout'
];
/** Open procedures that mail a code: sent twice with one address, the second would meet the cool-down, not the cookie. */
const mailsACode = ['auth.signup.requestCode', 'auth.reset.requestCode', 'moves.requestCode'];

const MADE_UP_ID = 999_999;

/**
 * The tables where attempts at B legitimately add B's rows: failed log-ins, proofs and searches in
 * B's audit log, codes B mailed to the addresses tried, failed proofs, and the limits' events.
 */
const writtenByAttempts = ['audit_log', 'email_codes', 'proof_attempts', 'rate_events'];
let madeUpFaucets = 49_999_900;
/** A faucet number no utility has, and no attempt tried before: failed proofs count by faucet number. */
const madeUpFaucet = () => String((madeUpFaucets += 1));

/**
 * One attempt with another utility's value, and the same with a made-up one: both must get the
 * same answer. An answer that repeats a text it was given (a faucet number) is compared with the text swapped.
 */
interface Probe {
  path: string;
  what: string;
  answers(): Promise<{ foreign: unknown; madeUp: unknown }>;
}

function probe<T>(path: string, what: string, foreign: T, madeUp: T, attempt: (value: T) => Promise<unknown>): Probe {
  return {
    path,
    what,
    async answers() {
      const withForeign = await answerOf(attempt(foreign));
      const withMadeUp = await answerOf(attempt(madeUp));
      const swapped = typeof foreign === 'string' ? JSON.parse(JSON.stringify(withForeign).replaceAll(foreign, String(madeUp))) : withForeign;
      return { foreign: swapped, madeUp: withMadeUp };
    }
  };
}

/** Every procedure of B that takes an id, a code, a ticket or a key, tried with A's by B's member, staff or a visitor at B. */
function probes(a: Seeded, b: Seeded): Probe[] {
  const visitor = b.utility.client();
  const nobody = `nobody@${b.side}.example.jp`;
  const { member, clerk, admin } = b;
  const reason = '電話で確認';
  return [
    probe('auth.signup.verifyCode', "A's unused code", a.signupCode.code, a.signupCode.code === '000000' ? '000001' : '000000', (code) =>
      visitor.api.auth.signup.verifyCode.mutate({ email: a.signupCode.email, code })
    ),
    probe('auth.signup.proveFaucet', "A's ticket", a.freshTicket, 'x'.repeat(a.freshTicket.length), (ticket) =>
      visitor.api.auth.signup.proveFaucet.mutate({ ticket, ...b.faucets[3]!, consent: true })
    ),
    probe('auth.signup.proveFaucet', "A's faucet and its phone, on B's ticket", a.faucets[3]!.faucetNo, madeUpFaucet(), (faucetNo) =>
      visitor.api.auth.signup.proveFaucet.mutate({ ticket: b.freshTicket, faucetNo, phone: a.faucets[3]!.phone, consent: true })
    ),
    probe('auth.signup.complete', "A's proven ticket", a.provenTicket, 'x'.repeat(a.provenTicket.length), (ticket) =>
      visitor.api.auth.signup.complete.mutate({ ticket, nickname: 'なりすまし', password: TEST_PASSWORD })
    ),
    probe('auth.login', "A's member's address and password", a.memberEmail, nobody, (email) =>
      visitor.api.auth.login.mutate({ email, password: TEST_PASSWORD })
    ),
    probe('auth.reset.requestCode', "A's member's address", a.memberEmail, nobody, (email) => visitor.api.auth.reset.requestCode.mutate({ email })),
    probe('auth.reset.complete', "A's reset code", a.resetCode.code, a.resetCode.code === '000000' ? '000001' : '000000', (code) =>
      visitor.api.auth.reset.complete.mutate({ email: a.resetCode.email, code, password: 'nusumareta-mizu-2026' })
    ),
    probe('moves.verifyCode', "A's unused move-in code", a.moveCode.code, a.moveCode.code === '000000' ? '000001' : '000000', (code) =>
      visitor.api.moves.verifyCode.mutate({ email: a.moveCode.email, code })
    ),
    probe('moves.fileMoveIn', "A's move-in ticket", a.moveTicket, 'x'.repeat(a.moveTicket.length), (ticket) =>
      visitor.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: moveInForm(b.utility) })
    ),
    probe('faucets.add', "A's faucet and its phone", a.faucets[4]!.faucetNo, madeUpFaucet(), (faucetNo) =>
      member.api.faucets.add.mutate({ faucetNo, phone: a.faucets[4]!.phone, label: '実家', consent: true })
    ),
    probe('faucets.label', "A's link", a.linkId, MADE_UP_ID, (linkId) => member.api.faucets.label.mutate({ linkId, label: '乗っ取り', clientId: randomUUID() })),
    probe('faucets.remove', "A's link", a.linkId, MADE_UP_ID, (linkId) => member.api.faucets.remove.mutate({ linkId })),
    probe('account.confirmEmailChange', "A's member's e-mail change code", a.emailChangeCode.code, a.emailChangeCode.code === '000000' ? '000001' : '000000', (code) =>
      member.api.account.confirmEmailChange.mutate({ email: a.emailChangeCode.email, code })
    ),
    probe('sync.pull', "A's link as one the device knows", a.linkId, MADE_UP_ID, (linkId) =>
      member.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [linkId] })
    ),
    probe('noticeReads.mark', "A's notice", a.noticeId, MADE_UP_ID, (noticeId) => member.api.noticeReads.mark.mutate({ noticeId, clientId: randomUUID() })),
    probe('noticeSettings.unsubscribe', "A's device", a.endpoint, subscription('made-up').endpoint, (endpoint) => member.api.noticeSettings.unsubscribe.mutate({ endpoint })),
    probe('procedures.file', "A's link", a.linkId, MADE_UP_ID, (linkId) =>
      member.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'billing-address', fields: addressChange })
    ),
    probe('staff.auth.login', "A's clerk's address and password", a.clerkEmail, nobody, (email) =>
      visitor.api.staff.auth.login.mutate({ email, password: STAFF_PASSWORD })
    ),
    probe('staff.admin.disableStaff', "A's clerk", a.clerkEmail, nobody, (email) => admin.api.staff.admin.disableStaff.mutate({ email, reason: '退職' })),
    probe('staff.admin.enableStaff', "A's clerk", a.clerkEmail, nobody, (email) => admin.api.staff.admin.enableStaff.mutate({ email, reason: '復職' })),
    probe('staff.admin.issueOneTimePassword', "A's clerk", a.clerkEmail, nobody, (email) =>
      admin.api.staff.admin.issueOneTimePassword.mutate({ email, reason: '期限切れ' })
    ),
    probe('staff.procedures.detail', "A's procedure", a.procedureId, MADE_UP_ID, (procedureId) => clerk.api.staff.procedures.detail.query({ procedureId })),
    probe('staff.procedures.setStatus', "A's procedure", a.procedureId, MADE_UP_ID, (procedureId) =>
      clerk.api.staff.procedures.setStatus.mutate({ procedureId, status: 'done', note: '完了' })
    ),
    probe('staff.support.search', "A's member's address", a.memberEmail, nobody, (query) => clerk.api.staff.support.search.query({ query })),
    probe('staff.support.search', "A's member's faucet", a.faucets[0]!.faucetNo, madeUpFaucet(), (query) => clerk.api.staff.support.search.query({ query })),
    probe('staff.support.account', "A's member", a.customerId, MADE_UP_ID, (customerId) => clerk.api.staff.support.account.query({ customerId })),
    probe('staff.support.proofLock', "A's locked faucet", a.lockedFaucetNo, madeUpFaucet(), (faucetNo) => clerk.api.staff.support.proofLock.query({ faucetNo })),
    probe('staff.support.unlinkFaucet', "A's member and link", { customerId: a.customerId, linkId: a.linkId }, { customerId: MADE_UP_ID, linkId: MADE_UP_ID }, (ids) =>
      clerk.api.staff.support.unlinkFaucet.mutate({ ...ids, reason })
    ),
    probe('staff.support.unlinkFaucet', "A's link on B's member", a.linkId, MADE_UP_ID, (linkId) =>
      clerk.api.staff.support.unlinkFaucet.mutate({ customerId: b.customerId, linkId, reason })
    ),
    probe('staff.support.unlockFaucetProof', "A's locked faucet", a.lockedFaucetNo, madeUpFaucet(), (faucetNo) => clerk.api.staff.support.unlockFaucetProof.mutate({ faucetNo, reason })),
    probe('staff.support.withdrawAccount', "A's member", a.customerId, MADE_UP_ID, (customerId) => clerk.api.staff.support.withdrawAccount.mutate({ customerId, reason }))
  ];
}

/** Lists at B, as B's member or admin sees them: none may hold anything of A's. */
function listings(b: Seeded): { path: string; list(): Promise<unknown> }[] {
  const { member, admin } = b;
  return [
    { path: 'auth.me', list: () => member.api.auth.me.query() },
    { path: 'sync.pull', list: () => member.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] }) },
    { path: 'procedures.mine', list: () => member.api.procedures.mine.query() },
    { path: 'noticeSettings.get', list: () => member.api.noticeSettings.get.query() },
    { path: 'staff.auth.me', list: () => admin.api.staff.auth.me.query() },
    { path: 'staff.admin.staffList', list: () => admin.api.staff.admin.staffList.query() },
    { path: 'staff.admin.auditLog', list: () => admin.api.staff.admin.auditLog.query({}) },
    { path: 'staff.procedures.queue', list: () => admin.api.staff.procedures.queue.query({}) },
    { path: 'staff.procedures.paperRequests', list: () => admin.api.staff.procedures.paperRequests.query() },
    { path: 'staff.support.search', list: () => admin.api.staff.support.search.query({ query: 'example.jp' }) },
    { path: 'staff.overview.get', list: () => admin.api.staff.overview.get.query() }
  ];
}

/** Procedures that take A's client ids, addresses and devices at B as new ones, B's own (the last test of each way round). */
const takenAsNew = [
  'procedures.file', 'moves.fileMoveIn', 'faucets.label', 'noticeReads.mark', 'noticeSettings.subscribe', 'auth.signup.requestCode',
  'moves.requestCode', 'account.requestEmailChange', 'staff.admin.createStaff'
];

/**
 * Procedures that take nothing another utility could hand over: the caller's own settings, name and
 * password, the profile, log-outs (tried with A's cookies above); and the import upload, a file of
 * the caller's own utility (staff-imports.test.ts).
 */
const takeNothingForeign = [
  'utility.profile', 'auth.logout', 'account.changeNickname', 'account.changePassword', 'account.withdraw', 'noticeSettings.set',
  'noticeSettings.pushKey', 'staff.auth.logout', 'staff.auth.changePassword', 'staff.imports.upload'
];

/** Both ways: the demo utility, which a connection without a utility of its own would fall back to, as the victim and as the attacker. */
describe.each([
  { victim: 0, attacker: 1, utilities: 'A at localhost, B at minami.localhost' },
  { victim: 1, attacker: 0, utilities: 'A at minami.localhost, B at localhost' }
])(`one utility's ids, cookies and client ids at another ($utilities), on ${driverName}`, ({ victim, attacker }) => {
  let a: Seeded;
  let b: Seeded;
  let before: Record<string, Record<string, string[]>>;
  let aMailsBefore: string[];

  beforeAll(async () => {
    [a, b] = [seeded[victim]!, seeded[attacker]!];
    await Promise.all(deployment.utilities.map((utility) => utility.mailsSent()));
    before = await everyRow(deployment.ownerDb);
    aMailsBefore = await mailFiles(a.utility.outbox);
  });

  it('tries every procedure of the router', () => {
    expect(Object.keys(procedureSamples).sort()).toEqual(allProcedures);
    const tried = new Set([...probes(a, b).map((probe) => probe.path), ...listings(b).map((listing) => listing.path), ...takenAsNew, ...takeNothingForeign]);
    expect([...tried].sort()).toEqual(allProcedures);
  });

  it("answers A's customer and staff cookies at B's host as no cookies, for every procedure", async () => {
    const aCookies = cookiesOf(a.member, a.admin);
    const attempts = [];
    for (const path of allProcedures) {
      if (mailsACode.includes(path)) continue;
      const carried = await sendRaw(b.utility, path, { cookie: aCookies });
      const none = await sendRaw(b.utility, path);
      attempts.push({ path, carried, none });
      if (!openProcedures.includes(path)) expect({ path, status: none.status }).toEqual({ path, status: 401 });
    }
    for (const { path, carried, none } of attempts) expect({ path, answer: carried }).toEqual({ path, answer: none });
    // The open ones that mail a code: the answer with A's cookies is the one without, for an address of its own each.
    for (const path of mailsACode) {
      const carried = await sendRaw(b.utility, path, { cookie: aCookies, input: { email: `carried-${path}@${b.side}.example.jp` } });
      const none = await sendRaw(b.utility, path, { input: { email: `none-${path}@${b.side}.example.jp` } });
      expect({ path, answer: carried }).toEqual({ path, answer: none });
    }
    // Still signed in at A: B's log-outs ended nothing of A's.
    expect(await a.member.api.auth.me.query()).toMatchObject({ email: a.memberEmail });
    expect(await a.admin.api.staff.auth.me.query()).toMatchObject({ role: 'admin' });
  });

  it("refuses every mutation at B's host sent from A's pages, even with B's own cookies", async () => {
    const bCookies = cookiesOf(b.member, b.admin);
    for (const path of allProcedures.filter((path) => procedureSamples[path]!.type === 'mutation')) {
      const { status } = await sendRaw(b.utility, path, { cookie: bCookies, origin: a.utility.origin });
      expect({ path, status }).toEqual({ path, status: 403 });
    }
  });

  // Before the attempts below, which B's audit log records with what B's clerk typed (A's addresses among it).
  it("lists nothing of A's at B", async () => {
    for (const { path, list } of listings(b)) {
      const answer = JSON.stringify(await list());
      expect({ path, leaked: answer.includes(a.side) || a.faucets.some(({ faucetNo }) => answer.includes(faucetNo)) }).toEqual({ path, leaked: false });
    }
  });

  it("answers every id, code, ticket and address of A at B as one that does not exist", async () => {
    for (const { path, what, answers } of probes(a, b)) {
      const { foreign, madeUp } = await answers();
      expect({ path, what, answer: foreign }).toEqual({ path, what, answer: madeUp });
    }
    await b.utility.mailsSent();
  });

  it("changed none of A's rows, and at B only added what failed attempts and staff acts record", async () => {
    const after = await everyRow(deployment.ownerDb);
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(rowsOf(after, a.utility.profile.id)).toEqual(rowsOf(before, a.utility.profile.id));
    expect(rowsOf(after, 'the deployment')).toEqual(rowsOf(before, 'the deployment'));
    const [atBBefore, atBAfter] = [before, after].map((snapshot) => rowsOf(snapshot, b.utility.profile.id)) as [Record<string, string[]>, Record<string, string[]>];
    expect(Object.keys(atBAfter).filter((table) => asJson(atBAfter[table]) !== asJson(atBBefore[table]))).toEqual(writtenByAttempts);
    for (const table of writtenByAttempts) expect({ table, gone: atBBefore[table]!.filter((row) => !atBAfter[table]!.includes(row)) }).toEqual({ table, gone: [] });
    // Nothing tried at B mailed A's people as A.
    expect(await mailFiles(a.utility.outbox)).toEqual(aMailsBefore);
  });

  it("takes A's client ids and keys at B as new ones: B's own filings, labels, reads and devices, A's untouched", async () => {
    const { member, clerk, utility } = b;
    const aBefore = rowsOf(await everyRow(deployment.ownerDb), a.utility.profile.id);
    const receiptsAtB = async () => (await utility.db.select({ receiptNo: procedures.receiptNo }).from(procedures)).length;

    const filings = await receiptsAtB();
    const filed = await member.api.procedures.file.mutate({ clientId: a.clientIds.procedure, linkId: b.linkId, kind: 'billing-address', fields: addressChange });
    const movedIn = await utility.client().api.moves.fileMoveIn.mutate({ ticket: b.moveTicket, clientId: a.clientIds.moveIn, fields: moveInForm(utility) });
    expect(await receiptsAtB()).toBe(filings + 2);
    const filedRows = await utility.db.select().from(procedures).where(inArray(procedures.receiptNo, [filed.receiptNo, movedIn.receiptNo]));
    expect(filedRows.map((row) => row.clientId).sort()).toEqual([a.clientIds.procedure, a.clientIds.moveIn].sort());

    await member.api.faucets.label.mutate({ linkId: b.linkId, label: '南の家', clientId: a.clientIds.label });
    const [link] = await utility.db.select({ label: faucetLinks.label }).from(faucetLinks).where(eq(faucetLinks.id, b.linkId));
    expect(link!.label).toBe('南の家');

    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: b.procedureId, status: 'done', note: '完了' });
    const [newest] = await utility.db.select({ id: notices.id }).from(notices).where(eq(notices.customerId, b.customerId)).orderBy(desc(notices.id)).limit(1);
    await member.api.noticeReads.mark.mutate({ noticeId: newest!.id, clientId: a.clientIds.noticeRead });
    const [read] = await utility.db.select({ readAt: notices.readAt }).from(notices).where(eq(notices.id, newest!.id));
    expect(read!.readAt).not.toBeNull();

    await member.api.noticeSettings.subscribe.mutate(subscription(`${a.side}-phone`));
    const devices = await utility.db.select({ endpoint: pushSubscriptions.endpoint, customerId: pushSubscriptions.customerId }).from(pushSubscriptions).where(eq(pushSubscriptions.endpoint, a.endpoint));
    expect(devices).toEqual([{ endpoint: a.endpoint, customerId: b.customerId }]);

    // A's people's addresses are free at B: for an account, a move-in, a new address, a staff member of B's own.
    await utility.client().api.auth.signup.requestCode.mutate({ email: a.memberEmail });
    await utility.client().api.moves.requestCode.mutate({ email: a.moveCode.email });
    await member.api.account.requestEmailChange.mutate({ email: a.memberEmail });
    await b.admin.api.staff.admin.createStaff.mutate({ email: a.clerkEmail, role: 'clerk', reason: '異動' });
    await utility.mailsSent();

    expect(rowsOf(await everyRow(deployment.ownerDb), a.utility.profile.id)).toEqual(aBefore);
  });
});
