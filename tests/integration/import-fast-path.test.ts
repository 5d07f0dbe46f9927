import { writeFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows, type Database } from '../../server/db/client.js';
import { transactionWithCopy } from '../../server/db/copy.js';
import { stageByCopy } from '../../server/features/imports/copy-stage.js';
import { formatReport } from '../../server/features/imports/report.js';
import { importFiles, type ImportOptions } from '../../server/features/imports/service.js';
import { targets } from '../../server/features/imports/targets.js';
import { createMigratedTestDatabase, driverName, type TestDatabase } from './support/database.js';
import { billLine, customerLine, headers, importRules, noticeRules, readingLine, writeCsv } from './support/import-files.js';
import { linkCustomer } from './support/notices.js';

/**
 * The COPY fast path of readings, bills and payments against the row-by-row path it stands in
 * for: random files, mostly clean, some with what only the row checks read (full-width digits
 * or words, spaces, quotes, a field too many or too few, an empty line, a date that does not
 * exist, an amount past the int range, a bill whose total is not its sum, a BOM, bare LF line
 * ends, unknown columns), go into two databases that started equal, one each way. The report and
 * everything the import wrote (rows, which of them got a new version, notices) must be the same.
 * FUZZ_RUNS and FUZZ_SEED as in import-fuzz; FUZZ_RUNS is per kind.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 40);
const seed = Number(process.env.FUZZ_SEED ?? 20261202);

const faucets = Array.from({ length: 6 }, (_, index) => String(60_000_000 + index));
const periods = ['2025-01', '2025-02', '2025-03', '2026-01', '2026-02', '2026-03'];

type CopiedKind = 'readings' | 'bills' | 'payments';

/** Everything an import of `kind` writes, with versions as their order, so two databases compare. */
async function written(db: Database, kind: CopiedKind): Promise<unknown> {
  const rows = await selectRows(
    db,
    sql`select f.faucet_no, to_jsonb(t) - 'faucet_id' - 'version' as row, dense_rank() over (order by t.version) as version_rank
        from ${sql.identifier(kind)} t join faucets f on f.id = t.faucet_id order by f.faucet_no, t.period`
  );
  const notices = await selectRows(
    db,
    sql`select f.faucet_no, n.topic, n.period, n.facts::text from notices n join faucets f on f.id = n.faucet_id
        order by f.faucet_no, n.topic, n.period, n.facts::text`
  );
  return JSON.parse(JSON.stringify({ rows, notices }));
}

const fullWidth = (text: string) => text.replace(/[0-9a-z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));

/** What a line may carry that only the row checks read; most lines carry nothing. */
const dirt = fc.oneof(
  { weight: 40, arbitrary: fc.constant((line: string) => line) },
  fc.constantFrom(
    (line: string) => fullWidth(line),
    (line: string) => line.replace(',', ', '),
    (line: string) => `"${line.replace(',', '","')}"`,
    (line: string) => `${line},extra`,
    (line: string) => line.slice(0, line.lastIndexOf(',')),
    (line: string) => `\r\n${line}`,
    (line: string) => line.replace(/-02-14,/, '-02-30,').replace(/-01-14,/, '-01-32,'),
    (line: string) => line.replace(/^(\d{4})/, '$1-'),
    (line: string) => line.replace(/,(\d+),/, ',$1.55,'),
    (line: string) => line.replace(/,(\d{4}),/, ',2147483648,'),
    (line: string) => line.replace(/,(transfer|paid),/, (_, word: string) => `,${fullWidth(word)},`),
    (line: string) => line.replace(/,$/, ',""')
  )
);

const row = fc.record({
  faucet: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...faucets) }, fc.constant('69999999')),
  period: fc.constantFrom(...periods),
  usage: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 600 }).map((tenths) => tenths / 10)),
  /** An optional cell written or left empty; for bills, also whether the total is the sum. */
  flag: fc.boolean(),
  sumOff: fc.oneof({ weight: 15, arbitrary: fc.constant(0) }, fc.constant(1)),
  choice: fc.nat(3),
  dirt
});
type Row = typeof row extends fc.Arbitrary<infer T> ? T : never;

/** Each kind's cells for a generated row, and the headers its files may come with (reordered, short of an optional column, one too many). */
const kinds: Record<CopiedKind, { cells: (row: Row) => Record<string, string>; headers: string[] }> = {
  readings: {
    cells: ({ period, usage, flag }) => ({
      reading_date: `${period}-14`,
      meter_value: String(1000 + Math.floor(usage)),
      usage_m3: String(usage),
      next_reading_date: flag ? `${period}-28` : ''
    }),
    headers: [
      headers.readings,
      headers.readings,
      'period,faucet_no,usage_m3,meter_value,reading_date,next_reading_date',
      'faucet_no,period,reading_date,meter_value,usage_m3',
      `${headers.readings},memo`
    ]
  },
  bills: {
    cells: ({ period, usage, flag, sumOff }) => {
      const water = 1000 + Math.round(usage * 150);
      const sewer = 800 + Math.round(usage * 110);
      return {
        usage_m3: String(usage),
        water_charge: String(water),
        sewer_charge: String(sewer),
        total: String(water + sewer + sumOff),
        tax: flag ? String(Math.floor((water + sewer) / 11)) : '',
        issue_date: `${period}-14`,
        due_date: `${period}-28`,
        transfer_date: flag ? `${period}-26` : ''
      };
    },
    headers: [
      headers.bills,
      headers.bills,
      'period,faucet_no,total,water_charge,sewer_charge,usage_m3,issue_date,tax,due_date,transfer_date',
      'faucet_no,period,usage_m3,water_charge,sewer_charge,total,issue_date',
      `${headers.bills},memo`
    ]
  },
  payments: {
    cells: ({ period, usage, flag, choice }) => ({
      amount: String(2000 + Math.round(usage * 260)),
      method: ['transfer', 'convenience', 'counter', 'other'][choice]!,
      result: flag ? 'paid' : 'failed',
      paid_on: flag ? `${period}-14` : ''
    }),
    headers: [headers.payments, headers.payments, 'result,method,amount,period,faucet_no,paid_on', 'faucet_no,period,amount,method,result', `${headers.payments},memo`]
  }
};

const fileSpec = (kind: CopiedKind) =>
  fc.record({
    rows: fc.array(row, { minLength: 0, maxLength: 30 }),
    /** Sorted by key as billing systems write them, so that the repeated-key check is skipped when the keys ascend. */
    sorted: fc.boolean(),
    eol: fc.constantFrom('\r\n', '\r\n', '\n'),
    bom: fc.boolean(),
    trailingEol: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
    header: fc.constantFrom(...kinds[kind].headers)
  });
type FileSpec = ReturnType<typeof fileSpec> extends fc.Arbitrary<infer T> ? T : never;

function fileOf(kind: CopiedKind, spec: FileSpec): string {
  const order = spec.header.split(',');
  const rows = spec.sorted ? spec.rows.toSorted((x, y) => x.faucet.localeCompare(y.faucet) || x.period.localeCompare(y.period)) : spec.rows;
  const lines = rows.map((each) => {
    const values: Record<string, string> = { faucet_no: each.faucet, period: each.period, memo: 'メモ', ...kinds[kind].cells(each) };
    return each.dirt(order.map((name) => values[name]).join(','));
  });
  const text = [spec.header, ...lines].join(spec.eol) + (spec.trailingEol ? spec.eol : '');
  const file = writeCsv([], { name: `fast-${Math.random().toString(36).slice(2)}.csv` });
  writeFileSync(file, Buffer.concat([Buffer.from(spec.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]));
  return file;
}

describe(`readings, bills and payments by COPY and row by row on ${driverName}`, () => {
  let fast: TestDatabase;
  let slow: TestDatabase;
  const options: ImportOptions = { rules: importRules, notices: noticeRules, ranBy: 'test' };

  beforeAll(async () => {
    const customers = writeCsv([headers.customers, ...faucets.map((faucetNo) => customerLine(faucetNo, '2020-04-01'))]);
    const start = writeCsv([headers.readings, ...faucets.map((faucetNo, index) => readingLine(faucetNo, '2025-01', 10 + index))]);
    [fast, slow] = await Promise.all([createMigratedTestDatabase(), createMigratedTestDatabase()]);
    for (const database of [fast, slow]) {
      const { db } = database.handle;
      await importFiles({ db, now: new Date() }, [{ kind: 'customers', path: customers }], options);
      // Linked holders, so that the imports make notices to compare.
      for (const faucetNo of faucets.slice(0, 3)) await linkCustomer(db, `${faucetNo}@example.jp`, faucetNo);
      await importFiles({ db, now: new Date() }, [{ kind: 'readings', path: start }], options);
    }
  });
  afterAll(async () => {
    await fast?.dispose();
    await slow?.dispose();
  });

  it('takes a clean file by COPY and leaves one it would normalise or refuse to the row checks', async () => {
    const { db } = fast.handle;
    // Staged inside a transaction that is then rolled back: only what stageByCopy answers matters here.
    const copiedOrNot = async (kind: CopiedKind, lines: string[]) => {
      let copied: unknown;
      await transactionWithCopy(db, async (tx) => {
        await tx.db.execute(sql.raw(targets[kind].createStaging));
        const path = writeCsv([headers[kind], ...lines]);
        copied = await stageByCopy(tx, kind, path, headers[kind].split(','), importRules, { every: 1000, report: () => {} });
        throw new Error('roll back');
      }).catch(() => {});
      return copied;
    };
    const faucet = faucets[0]!;
    expect(await copiedOrNot('readings', [readingLine(faucet, '2026-04', 12)])).toMatchObject({ rowsRead: 1 });
    expect(await copiedOrNot('readings', [fullWidth(readingLine(faucet, '2026-04', 12))])).toBeUndefined();
    expect(await copiedOrNot('readings', [readingLine(faucet, '2026-02', 12, '30')])).toBeUndefined();
    expect(await copiedOrNot('readings', [`${readingLine(faucet, '2026-04', 12)},extra`])).toBeUndefined();
    expect(await copiedOrNot('readings', [readingLine('6000-0000', '2026-04', 12)])).toBeUndefined();
    expect(await copiedOrNot('bills', [billLine(faucet, '2026-04'), billLine(faucets[1]!, '2026-04', 3000, '')])).toMatchObject({ rowsRead: 2 });
    expect(await copiedOrNot('bills', [billLine(faucet, '2026-04').replace(',7000,', ',7001,')])).toBeUndefined();
    expect(await copiedOrNot('bills', [billLine(faucet, '2026-04', 2_147_486_648)])).toBeUndefined();
    expect(await copiedOrNot('payments', [`${faucet},2026-04,7000,transfer,failed,`, `${faucets[1]},2026-04,7000,counter,paid,2026-04-20`])).toMatchObject({ rowsRead: 2 });
    expect(await copiedOrNot('payments', [`${faucet},2026-04,7000,ｔｒａｎｓｆｅｒ,paid,2026-04-20`])).toBeUndefined();
    expect(await copiedOrNot('payments', [`${faucet},2026-04,7000,Transfer,paid,2026-04-20`])).toBeUndefined();
  });

  for (const kind of Object.keys(kinds) as CopiedKind[]) {
    it(`gives the same ${kind} report and the same database (${runs} files, seed ${seed})`, async () => {
      const statuses = new Map<string, number>();
      await fc.assert(
        fc.asyncProperty(fileSpec(kind), fc.boolean(), async (spec, again) => {
          const path = fileOf(kind, spec);
          const now = new Date();
          const results = [];
          for (const [database, rowByRow] of [
            [fast, false],
            [slow, true]
          ] as const) {
            const result = await importFiles({ db: database.handle.db, now }, [{ kind, path }], { ...options, rowByRow });
            // The same file again: unchanged rows must stay unchanged either way.
            const repeated = again ? await importFiles({ db: database.handle.db, now }, [{ kind, path }], { ...options, rowByRow }) : result;
            results.push(formatReport(result) + formatReport(repeated));
          }
          expect(results[0]).toBe(results[1]);
          expect(await written(fast.handle.db, kind)).toEqual(await written(slow.handle.db, kind));
          const status = results[0]!.split('\n')[0]!;
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
        { numRuns: runs, seed }
      );
      // Imported, unchanged and rejected files all came by: the comparison covered each way out.
      expect(statuses.size).toBeGreaterThanOrEqual(3);
    });
  }
});
