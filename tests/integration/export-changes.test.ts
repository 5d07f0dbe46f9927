import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../server/db/client.js';
import { contracts, faucets, procedureEvents, procedures } from '../../server/db/schema.js';
import { createBusinessCalendar } from '../../server/domain/calendar.js';
import { exportApprovedChanges } from '../../server/features/exports/service.js';
import type { ProcedureContent, ProcedureStatus } from '../../src/lib/shared/procedure-form.js';
import { createCommandDatabase, driverName, lockWaiters, serverUrl, useMigratedDatabase } from './support/database.js';
import { runCommand } from './support/server-process.js';
import { demoUtility } from './support/import-files.js';

const HEADER =
  'receipt_no,faucet_no,change,effective_on,holder_name,holder_kana,holder_phone,billing_name,billing_postal_code,billing_address,billing_phone,approved_at,contract_start,contract_holder_name,supply_postal_code,supply_address,payment,contact_phone\r\n';
const calendar = createBusinessCalendar(['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']);
/** Monday 2026-12-28, 17:00 in Tokyo: the last business day of the year; the next one is Monday 2027-01-04. */
const yearEnd = new Date('2026-12-28T08:00:00Z');

const holder: ProcedureContent = { kind: 'holder-change', newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ ジロウ', phone: '0165430000', effectiveDate: '2026-12-01' };
const address: ProcedureContent = { kind: 'billing-address', name: '名寄 花子', postalCode: '001-0024', address: '札幌市北区北24条西5丁目1番地', phone: null };

let receipts = 0;

/** A procedure as staff left it, its last status change at `movedAt`; straight into the tables (the services have their own tests). */
async function addProcedure(
  db: Database,
  faucetNo: string,
  content: ProcedureContent,
  status: ProcedureStatus,
  movedAt: Date,
  contractEnd: string | null = null
): Promise<string> {
  const [faucet] = await db.insert(faucets).values({ faucetNo }).returning({ id: faucets.id });
  const [contract] = await db
    .insert(contracts)
    .values({ faucetId: faucet!.id, holderName: '名寄 太郎', contractStart: '2020-04-01', contractEnd, paymentMethod: 'transfer' })
    .returning({ id: contracts.id });
  receipts += 1;
  const receiptNo = `R-2026-${String(receipts).padStart(6, '0')}`;
  const filedAt = new Date(movedAt.getTime() - 86_400_000);
  const [procedure] = await db
    .insert(procedures)
    .values({ receiptNo, clientId: crypto.randomUUID(), faucetId: faucet!.id, contractId: contract!.id, kind: content.kind, content, status, filedAt, updatedAt: movedAt })
    .returning({ id: procedures.id });
  await db.insert(procedureEvents).values([
    { procedureId: procedure!.id, status: 'received', at: filedAt },
    { procedureId: procedure!.id, status, at: movedAt }
  ]);
  return receiptNo;
}

/** A move-in as staff left it: filed by a visitor, with neither faucet nor contract. */
async function addMoveIn(db: Database, content: ProcedureContent, movedAt: Date): Promise<string> {
  receipts += 1;
  const receiptNo = `R-2026-${String(receipts).padStart(6, '0')}`;
  const filedAt = new Date(movedAt.getTime() - 86_400_000);
  const [procedure] = await db
    .insert(procedures)
    .values({ receiptNo, clientId: crypto.randomUUID(), applicantEmail: 'newcomer@example.jp', kind: 'move-in', content, status: 'done', filedAt, updatedAt: movedAt })
    .returning({ id: procedures.id });
  await db.insert(procedureEvents).values([
    { procedureId: procedure!.id, status: 'received', at: filedAt },
    { procedureId: procedure!.id, status: 'done', at: movedAt }
  ]);
  return receiptNo;
}

async function runExport(db: Database, now: Date, deliver?: () => Promise<void>) {
  let csv: string | undefined;
  const result = await exportApprovedChanges({ db, now }, {
    calendar,
    deliver: async (text) => {
      await deliver?.();
      csv = text;
    }
  });
  return { ...result, csv };
}

describe(`the changes export on ${driverName}`, () => {
  const database = useMigratedDatabase();
  let db: Database;
  beforeEach(() => {
    db = database.db;
  });

  it('hands over changes approved before the New Year closing as effective on the first business day after it, each once', async () => {
    const addressReceipt = await addProcedure(db, '10000001', address, 'done', new Date('2026-12-28T01:00:00Z'));
    // Asked for a day already past: it applies from the next business day all the same.
    const holderReceipt = await addProcedure(db, '10000002', holder, 'done', new Date('2026-12-28T02:30:00Z'));

    const first = await runExport(db, yearEnd);
    expect(first.effectiveUntil).toBe('2027-01-04');
    expect(first.csv).toBe(
      HEADER +
        `${addressReceipt},10000001,billing_address,2027-01-04,,,,名寄 花子,001-0024,札幌市北区北24条西5丁目1番地,,2026-12-28T10:00:00+09:00,2020-04-01,名寄 太郎,,,,\r\n` +
        `${holderReceipt},10000002,holder,2027-01-04,名寄 次郎,ナヨロ ジロウ,0165430000,,,,,2026-12-28T11:30:00+09:00,2020-04-01,名寄 太郎,,,,\r\n`
    );
    expect((await runExport(db, yearEnd)).csv).toBe(HEADER);
  });

  it('keeps a holder change asked for a later day until the file before it, and never hands over what is not finished', async () => {
    const later = await addProcedure(db, '10000001', { ...holder, effectiveDate: '2027-01-20' }, 'done', new Date('2026-12-30T01:00:00Z'));
    await addProcedure(db, '10000002', address, 'processing', new Date('2026-12-28T01:00:00Z'));
    await addProcedure(db, '10000003', address, 'returned', new Date('2026-12-28T01:00:00Z'));
    await addProcedure(db, '10000004', { kind: 'paper-slip' }, 'done', new Date('2026-12-28T01:00:00Z'));

    expect((await runExport(db, yearEnd)).rows).toBe(0);
    // Monday 2027-01-18: the next business day is the 19th, still before the 20th.
    expect((await runExport(db, new Date('2027-01-18T01:00:00Z'))).rows).toBe(0);
    const due = await runExport(db, new Date('2027-01-19T01:00:00Z'));
    expect(due.rows).toBe(1);
    expect(due.csv).toContain(`${later},10000001,holder,2027-01-20,`);
  });

  it('never hands over a change for a contract that has ended: it stays pending and is counted as withheld', async () => {
    // Finished while the former holder's contract ran; the billing system ended it on the 27th (a new holder from the 28th).
    const former = await addProcedure(db, '10000001', address, 'done', new Date('2026-12-25T01:00:00Z'), '2026-12-27');
    const current = await addProcedure(db, '10000002', address, 'done', new Date('2026-12-28T01:00:00Z'));

    const first = await runExport(db, yearEnd);
    expect(first).toMatchObject({ rows: 1, withheld: 1 });
    expect(first.csv).toContain(`${current},10000002,`);
    expect(first.csv).not.toContain(former);
    const [row] = await db.select({ exportedAt: procedures.exportedAt }).from(procedures).where(eq(procedures.receiptNo, former));
    expect(row!.exportedAt).toBeNull();
    expect(await runExport(db, yearEnd)).toMatchObject({ rows: 0, withheld: 1, csv: HEADER });
  });

  it('withholds a change taking effect after its contract’s last day, though the contract still runs today', async () => {
    // The billing system ends both contracts on 31 December (new holders from 1 January).
    const beforeEnd = await addProcedure(db, '10000001', address, 'done', new Date('2026-12-25T01:00:00Z'), '2026-12-31');
    const afterEnd = await addProcedure(db, '10000002', address, 'done', new Date('2026-12-28T01:00:00Z'), '2026-12-31');

    const first = await runExport(db, yearEnd);
    expect(first).toMatchObject({ rows: 1, withheld: 1 });
    expect(first.csv).toContain(`${beforeEnd},10000001,billing_address,2026-12-28,`);
    expect(first.csv).not.toContain(afterEnd);
    const [row] = await db.select({ exportedAt: procedures.exportedAt }).from(procedures).where(eq(procedures.receiptNo, afterEnd));
    expect(row!.exportedAt).toBeNull();
  });

  it('hands over a finished move-out and move-in on the file before their day, each once, with addresses and payment; a move-out past its contract’s end is withheld', async () => {
    const moveOut: ProcedureContent = { kind: 'move-out', lastDay: '2027-01-06', postalCode: '001-0024', address: '札幌市北区北24条西5丁目1番地', finalPayment: 'slip', phone: '09012345678' };
    const moveIn: ProcedureContent = {
      kind: 'move-in',
      postalCode: '096-0071',
      address: '=北海道名寄市緑丘1-2',
      faucetNo: null,
      applicantName: '新居 三郎',
      applicantKana: 'アライ サブロウ',
      phone: '0165439999',
      firstDay: '2027-01-06',
      debit: true
    };
    const out = await addProcedure(db, '10000001', moveOut, 'done', new Date('2026-12-28T01:00:00Z'));
    const into = await addMoveIn(db, moveIn, new Date('2026-12-28T02:00:00Z'));
    // The billing system ends this contract on 5 January, before the last day asked for.
    const pastEnd = await addProcedure(db, '10000002', moveOut, 'done', new Date('2026-12-28T03:00:00Z'), '2027-01-05');

    expect((await runExport(db, yearEnd)).rows).toBe(0);
    // Monday 4 January: the next business day is the 5th, still before the 6th.
    expect((await runExport(db, new Date('2027-01-04T08:00:00Z'))).rows).toBe(0);
    const due = await runExport(db, new Date('2027-01-05T08:00:00Z'));
    expect(due).toMatchObject({ rows: 2, withheld: 1 });
    expect(due.csv).toBe(
      HEADER +
        `${out},10000001,move_out,2027-01-06,,,,,001-0024,札幌市北区北24条西5丁目1番地,,2026-12-28T10:00:00+09:00,2020-04-01,名寄 太郎,,,slip,09012345678\r\n` +
        `${into},,move_in,2027-01-06,新居 三郎,アライ サブロウ,0165439999,,,,,2026-12-28T11:00:00+09:00,,,096-0071,'=北海道名寄市緑丘1-2,debit,0165439999\r\n`
    );
    expect(due.csv).not.toContain(pastEnd);
    expect(await runExport(db, new Date('2027-01-05T08:00:00Z'))).toMatchObject({ rows: 0, withheld: 1, csv: HEADER });
  });

  it('hands over a move finished after its day with the day asked for: the contract still ends (or starts) then', async () => {
    const moveOut: ProcedureContent = { kind: 'move-out', lastDay: '2027-01-06', postalCode: '001-0024', address: '札幌市北区北24条西5丁目1番地', finalPayment: 'debit', phone: '09012345678' };
    // Finished on Friday 8 January, two days late.
    const late = await addProcedure(db, '10000001', moveOut, 'done', new Date('2027-01-08T01:00:00Z'));
    const due = await runExport(db, new Date('2027-01-08T08:00:00Z'));
    expect(due.rows).toBe(1);
    expect(due.csv).toContain(`${late},10000001,move_out,2027-01-06,`);
  });

  it('writes every cell a spreadsheet would run as a formula as text', async () => {
    const receipt = await addProcedure(
      db,
      '10000001',
      { kind: 'billing-address', name: '=1+2', postalCode: '001-0024', address: '@SUM(A1)', phone: '-1' },
      'done',
      new Date('2026-12-28T01:00:00Z')
    );
    expect((await runExport(db, yearEnd)).csv).toBe(
      HEADER + `${receipt},10000001,billing_address,2027-01-04,,,,'=1+2,001-0024,'@SUM(A1),'-1,2026-12-28T10:00:00+09:00,2020-04-01,名寄 太郎,,,,\r\n`
    );
  });

  // PGlite runs one transaction at a time: two exports there can only run one after the other.
  it.runIf(serverUrl)('never hands a change over twice when a second export runs while the first is writing its file', async () => {
    for (const faucetNo of ['10000001', '10000002', '10000003']) await addProcedure(db, faucetNo, address, 'done', new Date('2026-12-28T01:00:00Z'));
    const url = database.testDb.url!;
    const second = await openDatabase({ databaseUrl: url, utility: demoUtility });
    try {
      let secondExport: Promise<{ rows: number }> | undefined;
      const first = await runExport(db, yearEnd, async () => {
        secondExport = runExport(second.db, yearEnd);
        await lockWaiters(url, 1, secondExport.catch(() => undefined));
      });
      expect(first.rows).toBe(3);
      expect((await secondExport!).rows).toBe(0);
    } finally {
      await second.close();
    }
  });
});

describe(`npm run export -- changes on ${driverName}`, () => {
  const cleanups: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });

  it('writes the header to stdout on an empty database it migrates first, and exits 0', async () => {
    const database = await createCommandDatabase();
    cleanups.push(() => database.dispose());
    const run = runCommand('server/cli/export.ts', ['changes'], database.env);
    expect(await run.exited, run.stderr()).toBe(0);
    expect(run.stdout()).toBe(HEADER);
    expect(run.stderr()).toContain('exported 0 holder / billing-address / move change(s)');
  });
});
