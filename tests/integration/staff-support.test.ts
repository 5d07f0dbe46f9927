import { randomUUID } from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, contracts, customers, faucetLinks, faucets, paperSlipChanges, procedures, proofAttempts } from '../../server/db/schema.js';
import { importFiles } from '../../server/features/imports/service.js';
import { failureOf, signUp, startApp, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

let app: App;
let clerk: Client;
beforeAll(async () => {
  app = await startApp();
  await importMemberFaucets(app.db);
  const rows = [
    '60000001,名寄 太郎,ナヨロ タロウ,01654-2-6001,名寄市西1条,,,,2020-04-01,,transfer',
    '60000002,ﾅﾖﾛ商店,ﾅﾖﾛｼｮｳﾃﾝ,01654-2-6002,名寄市西2条,,,,2020-04-01,,invoice',
    '60000003,髙橋 一郎,タカハシ イチロウ,01654-2-6003,名寄市西3条,,,,2020-04-01,,transfer'
  ];
  const imported = await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, ...rows]) }], {
    rules: importRules,
    notices: noticeRules,
    ranBy: 'test'
  });
  expect(imported.status).toBe('imported');
  clerk = await signInStaff(app, 'clerk');
}, 60_000);
afterAll(async () => {
  await app.close();
});

let members = 0;
async function member(proof: { faucetNo: string; phone: string }) {
  const client = app.client();
  const email = `support-${(members += 1)}@example.jp`;
  await signUp(app, client, email, proof);
  const [row] = await app.db.select({ id: customers.id }).from(customers).where(eq(customers.email, email));
  return { client, email, customerId: row!.id };
}

const emailsOf = (found: { email: string }[]) => found.map((account) => account.email);

describe(`staff helping customers on ${driverName}`, () => {
  it('finds accounts by part of a faucet number, an address, or a name in any width or kana', async () => {
    const taro = await member({ faucetNo: '60000001', phone: '01654-2-6001' });
    const shop = await member({ faucetNo: '60000002', phone: '01654-2-6002' });

    expect(emailsOf(await clerk.api.staff.support.search.query({ query: '０００００１' }))).toContain(taro.email);
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: 'SUPPORT-2@' }))).toEqual([shop.email]);
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: 'なよろ　たろう' }))).toEqual([taro.email]);
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: 'ナヨロショウ' }))).toEqual([shop.email]);
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: '商店' }))).toEqual([shop.email]);
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: 'ﾀﾛｳ' }))).toEqual([taro.email]);
    // The billing system wrote 髙橋 (a variant kanji); the clerk types the common 高橋.
    const takahashi = await member({ faucetNo: '60000003', phone: '01654-2-6003' });
    expect(emailsOf(await clerk.api.staff.support.search.query({ query: '高橋' }))).toEqual([takahashi.email]);
    expect(await clerk.api.staff.support.search.query({ query: '%' })).toEqual([]);
    expect((await failureOf(clerk.api.staff.support.search.query({ query: '　' }))).field).toBe('query');

    const [found] = await clerk.api.staff.support.search.query({ query: 'なよろ　たろう' });
    expect(found!.faucets).toMatchObject([{ faucetNo: '60000001', holderName: '名寄 太郎', holderKana: 'ナヨロ タロウ' }]);
  });

  it('lists the first 50 by address of all the members a search finds, found by nickname or by a faucet’s holder, each once', async () => {
    const holderFaucets = Array.from({ length: 61 }, (_, index) => String(61_000_000 + index));
    const imported = await importFiles(
      { db: app.db, now: new Date() },
      [{ kind: 'customers', path: writeCsv([headers.customers, ...holderFaucets.map((faucetNo) => `${faucetNo},検索 花子,ケンサク ハナコ,,名寄市,,,,2020-04-01,,transfer`)]) }],
      { rules: importRules, notices: noticeRules, ranBy: 'test' }
    );
    expect(imported.status).toBe('imported');
    const address = (index: number) => `search${String(index).padStart(3, '0')}@example.jp`;
    // Even numbers by nickname, odd ones by the holder of their faucet (more than 50 each); the first also holds one,
    // found both ways. Written last first, so that no lookup finds them in address order by chance.
    const made = await app.db
      .insert(customers)
      .values([
        { email: 'aaa-not-found@example.jp', nickname: '名寄', passwordHash: 'x', createdAt: new Date() },
        ...Array.from({ length: 120 }, (_, index) => ({ email: address(119 - index), nickname: index % 2 ? 'けんさく係' : '名寄', passwordHash: 'x', createdAt: new Date() }))
      ])
      .returning({ id: customers.id, email: customers.email });
    const idOf = (email: string) => made.find((row) => row.email === email)!.id;
    const holders = [...Array.from({ length: 60 }, (_, index) => address(119 - index * 2)), address(0)];
    const contractsOf = await app.db
      .select({ id: contracts.id, faucetNo: faucets.faucetNo })
      .from(contracts)
      .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
      .where(inArray(faucets.faucetNo, holderFaucets));
    await app.db.insert(faucetLinks).values(
      holders.map((email, index) => ({ customerId: idOf(email), contractId: contractsOf.find((row) => row.faucetNo === holderFaucets[index])!.id, linkedAt: new Date() }))
    );

    const found = emailsOf(await clerk.api.staff.support.search.query({ query: 'けんさく' }));
    expect(found).toEqual(Array.from({ length: 50 }, (_, index) => address(index)));
  });

  it('shows an account with its faucets, notices and procedures', async () => {
    const customer = await member(faucet(20));
    const [link] = await app.db.select({ id: faucetLinks.id }).from(faucetLinks).where(eq(faucetLinks.customerId, customer.customerId));
    await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: link!.id, kind: 'paper-slip', fields: {} });
    const detail = await clerk.api.staff.support.account.query({ customerId: customer.customerId });
    expect(detail).toMatchObject({ email: customer.email, faucets: [{ faucetNo: faucet(20).faucetNo }], procedures: [{ kind: 'paper-slip', status: 'received' }] });
    expect(Array.isArray(detail.notices)).toBe(true);
    expect((await failureOf(clerk.api.staff.support.account.query({ customerId: 2 ** 31 - 1 }))).code).toBe('NOT_FOUND');
  });

  it('unlinks a faucet only with a reason, resumes its paper slip and audits it', async () => {
    const customer = await member(faucet(21));
    const [link] = await app.db.select({ id: faucetLinks.id }).from(faucetLinks).where(eq(faucetLinks.customerId, customer.customerId));
    const input = { customerId: customer.customerId, linkId: link!.id };
    expect(await failureOf(clerk.api.staff.support.unlinkFaucet.mutate({ ...input, reason: '  ' }))).toMatchObject({ code: 'BAD_REQUEST', field: 'reason' });
    expect(await app.db.select().from(faucetLinks).where(eq(faucetLinks.id, link!.id))).toHaveLength(1);

    await clerk.api.staff.support.unlinkFaucet.mutate({ ...input, reason: '前の入居者の登録が残っていたため（電話で確認）' });
    expect(await app.db.select().from(faucetLinks).where(eq(faucetLinks.id, link!.id))).toEqual([]);
    const slips = await app.db.select({ paperless: paperSlipChanges.paperless }).from(paperSlipChanges).orderBy(paperSlipChanges.id);
    expect(slips.at(-1)).toEqual({ paperless: false });
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'account.unlink-faucet'));
    expect(entry).toMatchObject({ actor: 'clerk@city.example.jp', targetId: String(customer.customerId), reason: '前の入居者の登録が残っていたため（電話で確認）', details: { faucetNo: faucet(21).faucetNo } });
  });

  it('unlocks a faucet locked by failed proofs, so the customer can add it at once', async () => {
    const customer = await member(faucet(22));
    const locked = faucet(23);
    const failures = Array.from({ length: 5 }, () => ({ faucetNo: locked.faucetNo, clientKey: 'somewhere', succeeded: false, attemptedAt: new Date() }));
    await app.db.insert(proofAttempts).values(failures);
    const add = () => customer.client.api.faucets.add.mutate({ ...locked, label: null, consent: true });
    expect((await failureOf(add())).code).toBe('TOO_MANY_REQUESTS');
    // Found by its number, the faucet shows its holder with the lock: the one locked out may have no account yet.
    expect(await clerk.api.staff.support.proofLock.query({ faucetNo: locked.faucetNo })).toEqual({
      faucetNo: locked.faucetNo,
      failures: 5,
      locked: true,
      holder: { name: '名寄 利用者23', supplyAddress: '名寄市西23条' }
    });
    const [viewed] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'faucet.view'));
    expect(viewed).toMatchObject({ targetKind: 'faucet', targetId: locked.faucetNo });
    expect(await clerk.api.staff.support.proofLock.query({ faucetNo: '49999999' })).toEqual({ faucetNo: '49999999', failures: 0, locked: false, holder: null });

    expect((await failureOf(clerk.api.staff.support.unlockFaucetProof.mutate({ faucetNo: locked.faucetNo, reason: '' }))).field).toBe('reason');
    expect(await clerk.api.staff.support.unlockFaucetProof.mutate({ faucetNo: '４０００００２３', reason: 'ご本人から電話、番号の入力違い' })).toEqual({ faucetNo: locked.faucetNo, cleared: 5 });
    await add();
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'faucet.unlock-proof'));
    expect(entry).toMatchObject({ targetKind: 'faucet', targetId: locked.faucetNo, reason: 'ご本人から電話、番号の入力違い', details: { cleared: 5 } });
  });

  it('withdraws an account on the customer’s behalf with a reason: gone, signed out, told, audited; its procedures stay with the utility', async () => {
    const customer = await member(faucet(24));
    const [link] = await app.db.select({ id: faucetLinks.id }).from(faucetLinks).where(eq(faucetLinks.customerId, customer.customerId));
    const filed = await customer.client.api.procedures.file.mutate({ clientId: randomUUID(), linkId: link!.id, kind: 'paper-slip', fields: {} });
    expect((await failureOf(clerk.api.staff.support.withdrawAccount.mutate({ customerId: customer.customerId, reason: '' }))).field).toBe('reason');

    await clerk.api.staff.support.withdrawAccount.mutate({ customerId: customer.customerId, reason: 'メールアドレスを失ったため、窓口で本人確認のうえ' });
    expect(await app.db.select().from(customers).where(eq(customers.id, customer.customerId))).toEqual([]);
    expect((await failureOf(customer.client.api.procedures.mine.query())).code).toBe('UNAUTHORIZED');
    expect((await app.mailTo(customer.email, 2)).subject).toMatch(/退会/);
    const [kept] = await app.db.select().from(procedures).where(eq(procedures.receiptNo, filed.receiptNo));
    expect(kept).toMatchObject({ customerId: null, status: 'received' });
    const [entry] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'account.withdraw'));
    expect(entry).toMatchObject({ targetId: String(customer.customerId), reason: 'メールアドレスを失ったため、窓口で本人確認のうえ', details: { email: customer.email } });
    expect((await failureOf(clerk.api.staff.support.withdrawAccount.mutate({ customerId: customer.customerId, reason: 'もう一度' }))).code).toBe('NOT_FOUND');
  });
});
