import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, customers, faucetLinks, faucets, noticeDeliveries, notices, paperSlipChanges, procedureEvents, procedures } from '../../server/db/schema.js';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { importFiles } from '../../server/features/imports/service.js';
import { FILINGS_PER_DAY } from '../../server/features/procedures/service.js';
import { memberProcedureKinds } from '../../src/lib/shared/procedure-form.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { tokyoDate } from '../../src/lib/shared/tokyo-time.js';
import { failureOf, outcomeOf, signUp, startApp, TEST_PASSWORD, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

let app: App;
beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
}, 60_000);
afterAll(async () => {
  await app.close();
});

let members = 0;
/** A new member with faucet `index` linked; returns their client and the link's id. */
async function member(index: number): Promise<{ client: Client; linkId: number; email: string }> {
  const client = app.client();
  const email = `procedures-${(members += 1)}@example.jp`;
  await signUp(app, client, email, faucet(index));
  const [link] = await app.db
    .select({ id: faucetLinks.id })
    .from(faucetLinks)
    .innerJoin(customers, eq(customers.id, faucetLinks.customerId))
    .where(eq(customers.email, email));
  return { client, linkId: link!.id, email };
}

const addressChange = { name: '名寄 花子', postalCode: '０９６－８６８６', address: '名寄市大通南1丁目' };
const receiptsOf = async () => (await app.db.select({ receiptNo: procedures.receiptNo }).from(procedures)).map((row) => row.receiptNo).sort();
const year = new Date().toLocaleString('en-CA', { timeZone: 'Asia/Tokyo', year: 'numeric' });

describe(`customer procedures on ${driverName}`, () => {
  it('refuses a form with every problem next to its field, and spends no receipt number on it', async () => {
    const { client, linkId } = await member(0);
    const refused = await failureOf(
      client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'holder-change', fields: { newHolderName: '名寄 次郎', newHolderKana: '名寄' } })
    );
    expect(refused).toMatchObject({ code: 'BAD_REQUEST', field: 'newHolderKana' });
    const data = (await client.api.procedures.file
      .mutate({ clientId: randomUUID(), linkId, kind: 'billing-address', fields: { name: '', postalCode: '12345', address: '名寄市' } })
      .catch((error: { data: { problems: { field: string }[] } }) => error.data)) as { problems: { field: string }[] };
    expect(data.problems.map((problem) => problem.field)).toEqual(['name', 'postalCode']);
    expect(await receiptsOf()).toEqual([]);

    const filed = await client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'billing-address', fields: addressChange });
    expect(filed).toMatchObject({
      receiptNo: `R-${year}-000001`,
      kind: 'billing-address',
      faucetNo: faucet(0).faucetNo,
      status: 'received',
      content: { kind: 'billing-address', name: '名寄 花子', postalCode: '096-8686', address: '名寄市大通南1丁目', phone: null }
    });
  });

  it('files each procedure and lists them with their history, newest first', async () => {
    const { client, linkId } = await member(1);
    const kinds = ['holder-change', 'billing-address', 'paper-slip', 'paper-slip-withdrawal'] as const;
    const fields = {
      'holder-change': { newHolderName: '名寄 次郎', newHolderKana: 'なよろ じろう', phone: '01654-3-2111', effectiveDate: '2026-04-01' },
      'billing-address': addressChange,
      'paper-slip': {},
      'paper-slip-withdrawal': {}
    };
    for (const kind of kinds) await client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind, fields: fields[kind] });
    const mine = await client.api.procedures.mine.query();
    expect(mine.map((procedure) => procedure.kind)).toEqual([...kinds].reverse());
    expect(mine[3]!.content).toMatchObject({ newHolderKana: 'ナヨロ ジロウ', phone: '0165432111' });
    expect(mine.every((procedure) => procedure.history.length === 1 && procedure.history[0]!.status === 'received')).toBe(true);
  });

  it('files once per client id: a resend, even one sent together with the first, gets the same receipt', async () => {
    const { client, linkId } = await member(2);
    const clientId = randomUUID();
    const send = () => client.api.procedures.file.mutate({ clientId, linkId, kind: 'paper-slip', fields: {} });
    const answers = await Promise.all(Array.from({ length: 8 }, send));
    const again = await send();
    expect(new Set([...answers, again].map((answer) => answer.receiptNo)).size).toBe(1);
    expect(await app.db.select().from(procedures).where(eq(procedures.clientId, clientId))).toHaveLength(1);
  });

  it('numbers filings sent together by many customers without gaps or twins', async () => {
    const filers = await Promise.all([3, 4, 5, 6].map((index) => member(index)));
    const before = (await receiptsOf()).length;
    await Promise.all(
      filers.flatMap(({ client, linkId }) =>
        Array.from({ length: 5 }, () => client.api.procedures.file.mutate({ clientId: randomUUID(), linkId, kind: 'paper-slip', fields: {} }))
      )
    );
    const receipts = await receiptsOf();
    expect(receipts).toHaveLength(before + 20);
    expect(receipts).toEqual(Array.from({ length: before + 20 }, (_, index) => `R-${year}-${String(index + 1).padStart(6, '0')}`));
  });

  it(`takes at most ${FILINGS_PER_DAY} filings a customer a day, even sent together, and still answers a resend of one of them`, async () => {
    const { client, linkId } = await member(12);
    const clientIds = Array.from({ length: FILINGS_PER_DAY + 3 }, () => randomUUID());
    const outcomes = await Promise.all(clientIds.map((clientId) => outcomeOf(client.api.procedures.file.mutate({ clientId, linkId, kind: 'paper-slip', fields: {} }))));
    expect(outcomes.filter((outcome) => outcome.code === 'OK')).toHaveLength(FILINGS_PER_DAY);
    expect(outcomes.filter((outcome) => outcome.code === 'TOO_MANY_REQUESTS')).toHaveLength(3);
    const accepted = clientIds[outcomes.findIndex((outcome) => outcome.code === 'OK')]!;
    expect((await client.api.procedures.file.mutate({ clientId: accepted, linkId, kind: 'paper-slip', fields: {} })).clientId).toBe(accepted);
  });

  it("refuses another customer's faucet and an unknown one alike", async () => {
    const owner = await member(7);
    const other = await member(8);
    const theirs = await failureOf(other.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: owner.linkId, kind: 'paper-slip', fields: {} }));
    const unknown = await failureOf(other.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: 2 ** 31 - 1, kind: 'paper-slip', fields: {} }));
    expect(theirs).toEqual(unknown);
    expect(theirs.code).toBe('NOT_FOUND');
    expect(await other.client.api.procedures.mine.query()).toEqual([]);
  });
});

describe(`staff processing procedures on ${driverName}`, () => {
  it('moves a procedure 受付 → 処理中 → 完了 with notes, telling the customer each time, audited', async () => {
    const customer = await member(9);
    const filed = await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: customer.linkId, kind: 'billing-address', fields: addressChange });
    const clerk = await signInStaff(app, 'clerk', 'queue-clerk@city.example.jp');

    const queue = await clerk.api.staff.procedures.queue.query({ status: 'received', kind: 'billing-address' });
    expect(queue.find((row) => row.receiptNo === filed.receiptNo)).toMatchObject({ email: customer.email, holderName: '名寄 利用者9' });
    expect((await clerk.api.staff.procedures.queue.query({ kind: 'holder-change' })).some((row) => row.receiptNo === filed.receiptNo)).toBe(false);

    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'processing', note: '' });
    const done = await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'done', note: '次回の請求書から新しい送付先にお送りします' });
    expect(done.history.map((event) => event.status)).toEqual(['received', 'processing', 'done']);

    const [mine] = await customer.client.api.procedures.mine.query();
    expect(mine).toMatchObject({ status: 'done', staffNote: '次回の請求書から新しい送付先にお送りします' });
    const told = await app.db.select().from(notices).where(eq(notices.topic, 'procedure'));
    const forCustomer = told.filter((notice) => (notice.facts as { receiptNo: string }).receiptNo === filed.receiptNo);
    expect(forCustomer.map((notice) => notice.facts)).toEqual([
      { topic: 'procedure', receiptNo: filed.receiptNo, procedure: { ja: '請求書等送付先変更', en: 'Change of billing address' }, status: { ja: '処理中', en: 'Processing' } },
      // The clerk's note goes to the customer with the notice (and so into its mail).
      {
        topic: 'procedure',
        receiptNo: filed.receiptNo,
        procedure: { ja: '請求書等送付先変更', en: 'Change of billing address' },
        status: { ja: '完了', en: 'Done' },
        note: '次回の請求書から新しい送付先にお送りします'
      }
    ]);
    const deliveries = await app.db.select().from(noticeDeliveries).where(eq(noticeDeliveries.noticeId, forCustomer[1]!.id));
    expect(deliveries.map((delivery) => delivery.channel)).toEqual(['email']);
    const audited = await app.db.select().from(auditLog).where(eq(auditLog.targetId, filed.receiptNo));
    expect(audited.map((entry) => [entry.actor, entry.action, entry.details])).toEqual([
      ['queue-clerk@city.example.jp', 'procedure.status', { from: 'received', to: 'processing' }],
      ['queue-clerk@city.example.jp', 'procedure.status', { from: 'processing', to: 'done' }]
    ]);

    const backwards = await failureOf(clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'processing', note: '' }));
    expect(backwards).toMatchObject({ code: 'CONFLICT', field: 'status' });
    expect(await app.db.select().from(procedureEvents).where(eq(procedureEvents.procedureId, filed.id))).toHaveLength(3);
  });

  it('needs a note to return a procedure, and lets only one of two clerks moving it at once win', async () => {
    const customer = await member(10);
    const filed = await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: customer.linkId, kind: 'paper-slip', fields: {} });
    const clerk = await signInStaff(app, 'clerk', 'return-clerk@city.example.jp');
    expect(await failureOf(clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'returned', note: ' ' }))).toMatchObject({ field: 'note' });

    const outcomes = await Promise.allSettled([
      clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'done', note: '' }),
      clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'returned', note: '確認できませんでした' })
    ]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
    expect(await app.db.select().from(procedureEvents).where(eq(procedureEvents.procedureId, filed.id))).toHaveLength(2);
  });

  /** The paper-slip changes of one faucet, oldest first: true stops the slip, false sends it again. */
  const slipsOf = async (faucetNo: string) =>
    (
      await app.db
        .select({ paperless: paperSlipChanges.paperless })
        .from(paperSlipChanges)
        .innerJoin(faucets, eq(faucets.id, paperSlipChanges.faucetId))
        .where(eq(faucets.faucetNo, faucetNo))
        .orderBy(paperSlipChanges.id)
    ).map((row) => row.paperless);

  it('sends the paper slip again once a paper-slip request is done, and stops it once its withdrawal is; staff see who wants paper meanwhile', async () => {
    const customer = await member(11);
    const clerk = await signInStaff(app, 'clerk', 'paper-clerk@city.example.jp');
    const wantsPaper = async () => (await clerk.api.staff.procedures.paperRequests.query()).filter((request) => request.faucetNo === faucet(11).faucetNo);
    expect(await slipsOf(faucet(11).faucetNo)).toEqual([true]);
    const finish = async (kind: 'paper-slip' | 'paper-slip-withdrawal') => {
      const filed = await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: customer.linkId, kind, fields: {} });
      await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'processing', note: '' });
      expect(await wantsPaper()).toHaveLength(kind === 'paper-slip' ? 0 : 1);
      await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'done', note: '' });
      return filed;
    };
    const request = await finish('paper-slip');
    expect(await wantsPaper()).toEqual([
      { faucetNo: faucet(11).faucetNo, holderName: '名寄 利用者11', customerId: expect.any(Number), email: customer.email, receiptNo: request.receiptNo, decidedAt: expect.any(String) }
    ]);
    await finish('paper-slip-withdrawal');
    expect(await wantsPaper()).toEqual([]);
    expect(await slipsOf(faucet(11).faucetNo)).toEqual([true, false, true]);
  });

  it('keeps the paper slip coming when a customer who asked for it removes the faucet and adds it again', async () => {
    const customer = await member(13);
    const clerk = await signInStaff(app, 'clerk', 'relink-clerk@city.example.jp');
    const filed = await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: customer.linkId, kind: 'paper-slip', fields: {} });
    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: filed.id, status: 'done', note: '' });
    expect(await slipsOf(faucet(13).faucetNo)).toEqual([true, false]);

    // Removing resumes the slip (it already comes); adding the faucet again does not stop it.
    await customer.client.api.faucets.remove.mutate({ linkId: customer.linkId });
    const unlinked = (await clerk.api.staff.procedures.paperRequests.query()).find((request) => request.faucetNo === faucet(13).faucetNo);
    expect(unlinked?.email).toBeNull();
    await customer.client.api.faucets.add.mutate({ ...faucet(13), label: null, consent: true });
    expect(await slipsOf(faucet(13).faucetNo)).toEqual([true, false, false]);
  });
});

describe(`a former tenant reaches nothing of the new contract, on ${driverName}`, () => {
  const today = tokyoDate(new Date());
  const yesterday = tokyoDate(new Date(Date.now() - 86_400_000));
  const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
  const utilityPhone = profile.phone.replaceAll('-', '\\-');
  const newPhone = (index: number) => `01654-3-${String(index).padStart(4, '0')}`;

  const inDays = (days: number) => tokyoDate(new Date(Date.now() + days * 86_400_000));

  /** The customers file of the billing system: a new holder's contract on the faucet from `start` (today), which ends the old one the day before. */
  async function moveIn(index: number, start = today) {
    const { faucetNo } = faucet(index);
    const file = writeCsv([headers.customers, `${faucetNo},新居 次郎,,${newPhone(index)},名寄市西${index}条,,,,${start},,transfer`]);
    const result = await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: file }], { rules: importRules, notices: noticeRules, ranBy: 'test' });
    expect(result.status).toBe('imported');
    return { faucetNo, phone: newPhone(index) };
  }

  const changesOf = async (faucetNo: string) =>
    app.db
      .select({ paperless: paperSlipChanges.paperless, contractId: paperSlipChanges.contractId })
      .from(paperSlipChanges)
      .innerJoin(faucets, eq(faucets.id, paperSlipChanges.faucetId))
      .where(eq(faucets.faucetNo, faucetNo))
      .orderBy(paperSlipChanges.id);

  const forms = {
    'holder-change': { newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ ジロウ', phone: '01654-3-2111', effectiveDate: today },
    'billing-address': addressChange,
    'paper-slip': {},
    'paper-slip-withdrawal': {},
    // The earliest last day the lead allows: a move-out past the contract's end is refused by the contract's term like the rest.
    'move-out': {
      lastDay: createBusinessCalendar(profile.closingDays).addBusinessDays(today, profile.moves.leadBusinessDays),
      postalCode: '096-0071',
      address: '北海道名寄市緑丘1',
      finalPayment: 'slip',
      phone: '090-1234-5678'
    }
  } as const;

  it('refuses every filing on the ended contract with the date and the utility’s phone, spending no receipt number', async () => {
    const former = await member(22);
    await moveIn(22);
    const before = await receiptsOf();
    for (const kind of memberProcedureKinds) {
      const refused = await failureOf(former.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: former.linkId, kind, fields: forms[kind] }));
      expect(refused).toMatchObject({
        code: 'FORBIDDEN',
        status: 403,
        field: 'linkId',
        reason: {
          ja: expect.stringMatching(new RegExp(`${yesterday}に終了.*電話 ${utilityPhone}`)),
          en: expect.stringMatching(new RegExp(`ended on ${yesterday}.*phone ${utilityPhone}`))
        }
      });
    }
    expect(await receiptsOf()).toEqual(before);
    expect(await former.client.api.procedures.mine.query()).toEqual([]);
  });

  it('refuses a filing that would take effect after the contract’s last day while the contract still runs, spending no receipt number', async () => {
    const leaving = await member(26);
    await moveIn(26, inDays(31));
    const lastDay = inDays(30);
    const before = await receiptsOf();
    const refused = await failureOf(
      leaving.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: leaving.linkId, kind: 'holder-change', fields: { ...forms['holder-change'], effectiveDate: inDays(31) } })
    );
    expect(refused).toMatchObject({
      code: 'FORBIDDEN',
      field: 'linkId',
      reason: {
        ja: expect.stringMatching(new RegExp(`${lastDay}で終了.*電話 ${utilityPhone}`)),
        en: expect.stringMatching(new RegExp(`ends on ${lastDay}.*phone ${utilityPhone}`))
      }
    });
    expect(await receiptsOf()).toEqual(before);
    // The same change taking effect while the contract runs is taken.
    const taken = await leaving.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: leaving.linkId, kind: 'holder-change', fields: { ...forms['holder-change'], effectiveDate: inDays(10) } });
    expect(taken.status).toBe('received');

    // A contract ending today: every filing would take effect on a later business day.
    const lastDayToday = await member(27);
    await moveIn(27, inDays(1));
    for (const kind of memberProcedureKinds) {
      const refusal = await failureOf(lastDayToday.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: lastDayToday.linkId, kind, fields: forms[kind] }));
      expect(refusal).toMatchObject({ code: 'FORBIDDEN', reason: { en: expect.stringMatching(new RegExp(`ends on ${today}.*phone ${utilityPhone}`)) } });
    }
    expect(await lastDayToday.client.api.procedures.mine.query()).toEqual([]);
  });

  it('writes no paper-slip change when the holder removes the link on the contract’s last day: it would take effect after it', async () => {
    const leaving = await member(28);
    await moveIn(28, inDays(1));
    const before = await changesOf(faucet(28).faucetNo);
    await leaving.client.api.faucets.remove.mutate({ linkId: leaving.linkId });
    expect(await changesOf(faucet(28).faucetNo)).toEqual(before);
  });

  it('writes no paper-slip change when the former holder removes the link or withdraws: the new holder’s paperless stays', async () => {
    const removing = await member(23);
    const withdrawing = await member(24);
    for (const index of [23, 24]) {
      const moved = await moveIn(index);
      await signUp(app, app.client(), `new-holder-${index}@example.jp`, moved);
    }
    const before = await Promise.all([changesOf(faucet(23).faucetNo), changesOf(faucet(24).faucetNo)]);
    // Each faucet: the former holder's stop, then the new holder's, each naming its own contract.
    for (const changes of before) {
      expect(changes.map((change) => change.paperless)).toEqual([true, true]);
      expect(new Set(changes.map((change) => change.contractId)).size).toBe(2);
    }

    await removing.client.api.faucets.remove.mutate({ linkId: removing.linkId });
    await withdrawing.client.api.account.withdraw.mutate({ password: TEST_PASSWORD });
    expect(await Promise.all([changesOf(faucet(23).faucetNo), changesOf(faucet(24).faucetNo)])).toEqual(before);
  });

  it('shows staff whether a filing’s contract is current or ended, with the day it ended; finishing it then writes no slip change', async () => {
    const former = await member(25);
    const clerk = await signInStaff(app, 'clerk', 'tenant-clerk@city.example.jp');
    const filed = await former.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: former.linkId, kind: 'billing-address', fields: addressChange });
    const paper = await former.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: former.linkId, kind: 'paper-slip', fields: {} });
    expect((await clerk.api.staff.procedures.detail.query({ procedureId: filed.id })).contract).toEqual({
      holderName: '名寄 利用者25',
      contractStart: '2020-04-01',
      contractEnd: null,
      ended: false
    });
    await moveIn(25);
    expect((await clerk.api.staff.procedures.detail.query({ procedureId: filed.id })).contract).toEqual({
      holderName: '名寄 利用者25',
      contractStart: '2020-04-01',
      contractEnd: yesterday,
      ended: true
    });
    // Finishing the former holder's paper-slip request now changes nothing of the faucet's slip.
    const slips = await changesOf(faucet(25).faucetNo);
    await clerk.api.staff.procedures.setStatus.mutate({ procedureId: paper.id, status: 'done', note: '' });
    expect(await changesOf(faucet(25).faucetNo)).toEqual(slips);
  });
});
