import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { bills, customers, emailCodes, faucetLinks, payments, procedureEvents, procedures } from '../../server/db/schema.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { fileMoveIn } from '../../server/features/moves/service.js';
import { fileProcedure } from '../../server/features/procedures/service.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { failureOf, outcomeOf, signUp, startApp, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const calendar = createBusinessCalendar(profile.closingDays);
const today = tokyoDate(new Date());
/** The earliest day the lead allows, and the business day before it. */
const earliest = calendar.addBusinessDays(today, profile.moves.leadBusinessDays);
const tooSoon = calendar.addBusinessDays(today, profile.moves.leadBusinessDays - 1);
const phonePattern = profile.phone.replaceAll('-', '\\-');
/** Noon in Tokyo on the business day after the earliest day: when a lost answer's resend might come in, the earliest day now too soon. */
const later = new Date(`${calendar.nextBusinessDay(earliest)}T03:00:00Z`);

let app: App;
beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
}, 60_000);
afterAll(async () => {
  await app.close();
});

const moveInForm = (firstDay = earliest) => ({
  supplyPostalCode: '〒０９６－００７１',
  supplyAddress: '北海道名寄市緑丘1-2',
  faucetNo: '',
  applicantName: '新居 三郎',
  applicantKana: 'あらい さぶろう',
  phone: '090-1111-2222',
  firstDay,
  debit: 'yes'
});

/** A visitor who confirmed their address: the ticket from the code in the mail. */
async function confirmedVisitor(email: string): Promise<{ client: Client; ticket: string }> {
  const client = app.client();
  await client.api.moves.requestCode.mutate({ email });
  const { ticket } = await client.api.moves.verifyCode.mutate({ email, code: await app.codeFor(email) });
  return { client, ticket };
}

const moveInsOf = (email: string) => app.db.select().from(procedures).where(and(eq(procedures.kind, 'move-in'), eq(procedures.applicantEmail, email)));

describe(`使用開始 (moving in, no account) on ${driverName}`, () => {
  it('files with a confirmed e-mail: receipt on screen and by mail, once for a resend, a too-early day refused with the phone', async () => {
    const email = 'newcomer-1@example.jp';
    const { client, ticket } = await confirmedVisitor(email);

    const early = await failureOf(client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: moveInForm(tooSoon) }));
    expect(early).toMatchObject({ code: 'BAD_REQUEST', field: 'firstDay', reason: { ja: expect.stringMatching(new RegExp(`お急ぎの場合はお電話で（${phonePattern}）`)) } });
    expect(await moveInsOf(email)).toEqual([]);

    const clientId = randomUUID();
    const filed = await client.api.moves.fileMoveIn.mutate({ ticket, clientId, fields: moveInForm() });
    expect(filed).toEqual({ receiptNo: expect.stringMatching(/^R-\d{4}-\d{6}$/), firstDay: earliest });
    // The answer was lost and the page sends again: the same receipt, one filing.
    expect(await client.api.moves.fileMoveIn.mutate({ ticket, clientId, fields: moveInForm() })).toEqual(filed);
    const [row] = await moveInsOf(email);
    expect(row).toMatchObject({ customerId: null, faucetId: null, contractId: null, status: 'received' });
    expect(row!.content).toMatchObject({ postalCode: '096-0071', applicantKana: 'アライ サブロウ', phone: '09011112222', faucetNo: null, debit: true });
    expect(await moveInsOf(email)).toHaveLength(1);

    const receipt = await app.mailTo(email, 2);
    expect(receipt.subject).toContain(filed.receiptNo);
    expect(receipt.text).toContain('http://localhost:3000/signup');
    // The ticket is spent: another filing with it is refused.
    expect(await failureOf(client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: moveInForm() }))).toMatchObject({ code: 'BAD_REQUEST' });
    // A resend that comes days later, its first day now too soon, still gets the first filing's receipt and day.
    expect(await fileMoveIn(app.depsAt(later), { ticket, clientId, fields: moveInForm(tokyoDate(later)) })).toEqual(filed);
    expect(await moveInsOf(email)).toHaveLength(1);
  });

  it('never lets an older code confirm the address again once the newest was used', async () => {
    const email = 'newcomer-6@example.jp';
    const client = app.client();
    await client.api.moves.requestCode.mutate({ email });
    const older = await app.codeFor(email, 1);
    await app.letTimePass(61);
    await client.api.moves.requestCode.mutate({ email });
    const { ticket } = await client.api.moves.verifyCode.mutate({ email, code: await app.codeFor(email, 2) });
    await client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: moveInForm() });
    expect(await failureOf(client.api.moves.verifyCode.mutate({ email, code: older }))).toMatchObject({ code: 'BAD_REQUEST', field: 'code' });
    expect(await moveInsOf(email)).toHaveLength(1);
  });

  it('refuses a faucet number the utility’s numbers cannot have, next to its field, filing nothing', async () => {
    const email = 'newcomer-7@example.jp';
    const { client, ticket } = await confirmedVisitor(email);
    const refused = await failureOf(client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: { ...moveInForm(), faucetNo: 'N-12' } }));
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'faucetNo', reason: { ja: expect.stringContaining(profile.faucetNumber.example) } });
    expect(await moveInsOf(email)).toEqual([]);
  });

  it('files one move-in a ticket, even when filings with it are sent together', async () => {
    const email = 'newcomer-2@example.jp';
    const { client, ticket } = await confirmedVisitor(email);
    const outcomes = await Promise.all(Array.from({ length: 6 }, () => outcomeOf(client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: moveInForm() }))));
    expect(outcomes.filter((outcome) => outcome.code === 'OK')).toHaveLength(1);
    expect(await moveInsOf(email)).toHaveLength(1);
  });

  it('keeps sign-up’s code limits, for requests sent together, and answers an unknown ticket as an expired one', async () => {
    const client = app.client();
    const email = 'newcomer-3@example.jp';
    const outcomes = await Promise.all(Array.from({ length: 5 }, () => outcomeOf(client.api.moves.requestCode.mutate({ email }))));
    expect(outcomes.filter((outcome) => outcome.code === 'OK')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.code === 'TOO_MANY_REQUESTS')).toHaveLength(4);
    expect(await app.db.select().from(emailCodes).where(and(eq(emailCodes.email, email), eq(emailCodes.purpose, 'move-in')))).toHaveLength(1);
    const forged = await failureOf(client.api.moves.fileMoveIn.mutate({ ticket: 'x'.repeat(43), clientId: randomUUID(), fields: moveInForm() }));
    expect(forged).toMatchObject({ code: 'BAD_REQUEST', reason: { ja: expect.stringContaining('最初からやり直してください') } });
    // A sign-up code does not confirm a move-in.
    await client.api.auth.signup.requestCode.mutate({ email: 'newcomer-4@example.jp' });
    const signupCode = await app.codeFor('newcomer-4@example.jp');
    expect(await failureOf(client.api.moves.verifyCode.mutate({ email: 'newcomer-4@example.jp', code: signupCode }))).toMatchObject({ field: 'code' });
  });

  it('reaches the clerk in the moves queue with the confirmed address, and tells the person each status by mail with the note', async () => {
    const email = 'newcomer-5@example.jp';
    const { client, ticket } = await confirmedVisitor(email);
    const filed = await client.api.moves.fileMoveIn.mutate({ ticket, clientId: randomUUID(), fields: { ...moveInForm(), faucetNo: '１２３４－５６７８' } });
    const clerk = await signInStaff(app, 'clerk', 'moves-clerk@city.example.jp');
    const queued = (await clerk.api.staff.procedures.queue.query({ kind: 'moves' })).find((row) => row.receiptNo === filed.receiptNo);
    expect(queued).toMatchObject({ kind: 'move-in', email, faucetNo: '12345678', holderName: null });
    expect((await clerk.api.staff.procedures.queue.query({ kind: 'billing-address' })).some((row) => row.receiptNo === filed.receiptNo)).toBe(false);
    const detail = await clerk.api.staff.procedures.detail.query({ procedureId: queued!.id });
    expect(detail).toMatchObject({ contract: null, applicantEmail: email, moveOut: null });

    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: queued!.id, status: 'done', note: '1月6日から使えます' });
    const told = await app.mailTo(email, 3);
    expect(told.subject).toContain('完了');
    expect(told.text).toContain('1月6日から使えます');
  });
});

describe(`使用中止 (moving out, members) on ${driverName}`, () => {
  async function member(index: number) {
    const client = app.client();
    const email = `moving-out-${index}@example.jp`;
    await signUp(app, client, email, faucet(index));
    const [link] = await app.db.select({ id: faucetLinks.id }).from(faucetLinks).innerJoin(customers, eq(customers.id, faucetLinks.customerId)).where(eq(customers.email, email));
    return { client, linkId: link!.id };
  }
  const moveOutForm = (lastDay = earliest) => ({ lastDay, postalCode: '0010024', address: '札幌市北区北24条西5丁目1番地', finalPayment: 'slip', phone: '０９０-３３３３-４４４４' });

  it('refuses a last day sooner than the lead with the phone and a closed day, spending no receipt; files the rest once', async () => {
    const { client, linkId } = await member(1);
    const early = await failureOf(client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'move-out', fields: moveOutForm(tooSoon) }));
    expect(early).toMatchObject({ code: 'BAD_REQUEST', field: 'lastDay', reason: { ja: expect.stringMatching(new RegExp(`お急ぎの場合はお電話で（${phonePattern}）`)) } });
    let saturday = earliest;
    while (new Date(`${saturday}T00:00:00Z`).getUTCDay() !== 6) saturday = tokyoDate(new Date(Date.parse(`${saturday}T00:00:00Z`) + 86_400_000));
    const closed = await failureOf(client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'move-out', fields: moveOutForm(saturday) }));
    expect(closed).toMatchObject({ field: 'lastDay', reason: { ja: expect.stringContaining('お休みの日は選べません') } });
    const wrongChoice = await failureOf(client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'move-out', fields: { ...moveOutForm(), finalPayment: 'cash' } }));
    expect(wrongChoice).toMatchObject({ field: 'finalPayment' });
    expect(await client.api.procedures.mine.query()).toEqual([]);

    const clientId = randomUUID();
    const [filed, again] = await Promise.all([0, 1].map(() => client.api.procedures.file.mutate({ clientId, linkId, kind: 'move-out', fields: moveOutForm() })));
    expect(again!.receiptNo).toBe(filed!.receiptNo);
    expect(filed).toMatchObject({ kind: 'move-out', faucetNo: faucet(1).faucetNo, content: { lastDay: earliest, postalCode: '001-0024', phone: '09033334444', finalPayment: 'slip' } });
    // The device's outbox resends days later, the last day now too soon: the same receipt.
    const [row] = await app.db.select({ customerId: procedures.customerId }).from(procedures).where(eq(procedures.id, filed!.id));
    const resent = await fileProcedure(app.depsAt(later), { customerId: row!.customerId!, clientId, linkId, kind: 'move-out', fields: moveOutForm() });
    expect(resent.receiptNo).toBe(filed!.receiptNo);
    // A second move-out while the first is open would give the billing system two last days.
    const second = await failureOf(client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'move-out', fields: moveOutForm(calendar.nextBusinessDay(earliest)) }));
    expect(second).toMatchObject({ code: 'CONFLICT', reason: { ja: expect.stringContaining(filed!.receiptNo) } });
    expect(await client.api.procedures.mine.query()).toHaveLength(1);
  });

  it('shows the clerk whether the faucet is paperless and its failed and overdue bills', async () => {
    const { client, linkId } = await member(2);
    const filed = await client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'move-out', fields: moveOutForm() });
    const [row] = await app.db.select({ faucetId: procedures.faucetId }).from(procedures).where(eq(procedures.id, filed.id));
    const faucetId = row!.faucetId!;
    const bill = { faucetId, usageTenths: 200, waterCharge: 2000, sewerCharge: 1500, tax: 318, issueDate: '2026-09-05' };
    await app.db.insert(bills).values([
      { ...bill, period: '2026-08', total: 3500, dueDate: null, transferDate: '2026-09-25' },
      { ...bill, period: '2026-09', total: 3600, dueDate: '2026-10-31', transferDate: null },
      { ...bill, period: '2026-10', total: 3700, dueDate: '2099-12-31', transferDate: null }
    ]);
    await app.db.insert(payments).values({ faucetId, period: '2026-08', amount: 3500, method: 'transfer', result: 'failed', paidOn: null });
    const clerk = await signInStaff(app, 'clerk', 'moves-out-clerk@city.example.jp');
    const detail = await clerk.api.staff.procedures.detail.query({ procedureId: filed.id });
    expect(detail.moveOut).toEqual({
      paperless: true,
      unsettledBills: [
        { period: '2026-08', total: 3500, state: 'failed' },
        { period: '2026-09', total: 3600, state: 'overdue' }
      ]
    });
    expect(detail.contract).toMatchObject({ ended: false });
    const done = await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'done', note: '' });
    expect(done.status).toBe('done');
    // After 完了 the link stays as it is until the billing system ends the contract.
    expect(await client.api.procedures.mine.query()).toHaveLength(1);
    expect(await app.db.select().from(faucetLinks).where(eq(faucetLinks.id, linkId))).toHaveLength(1);
    expect(await app.db.select().from(procedureEvents).where(eq(procedureEvents.procedureId, filed.id))).toHaveLength(2);
  });
});
