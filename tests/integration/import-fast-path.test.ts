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
import { customerLine, headers, importRules, noticeRules, readingLine, writeCsv } from './support/import-files.js';
import { linkCustomer } from './support/notices.js';

/**
 * The readings import's COPY fast path against the row-by-row path it stands in for: random
 * readings files, mostly clean, some with what only the row checks read (full-width digits,
 * spaces, quotes, a field too many or too few, an empty line, a date that does not exist, a
 * BOM, bare LF line ends, unknown columns), go into two databases that started equal, one each
 * way. The report and everything the import wrote (rows, which of them got a new version,
 * notices) must be the same. FUZZ_RUNS and FUZZ_SEED as in import-fuzz.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 60);
const seed = Number(process.env.FUZZ_SEED ?? 20261202);

const faucets = Array.from({ length: 6 }, (_, index) => String(60_000_000 + index));
const periods = ['2025-01', '2025-02', '2025-03', '2026-01', '2026-02', '2026-03'];

/** Everything a readings import writes, with versions as their order, so two databases compare. */
async function written(db: Database): Promise<unknown> {
  const readings = await selectRows(
    db,
    sql`select f.faucet_no, r.period, r.reading_date::text, r.meter_value::text, r.usage_tenths, r.next_reading_date::text,
          dense_rank() over (order by r.version) as version_rank
        from readings r join faucets f on f.id = r.faucet_id order by f.faucet_no, r.period`
  );
  const notices = await selectRows(
    db,
    sql`select f.faucet_no, n.topic, n.period, n.facts::text from notices n join faucets f on f.id = n.faucet_id
        order by f.faucet_no, n.topic, n.period, n.facts::text`
  );
  return JSON.parse(JSON.stringify({ readings, notices }));
}

const fullWidth = (text: string) => text.replace(/[0-9]/g, (digit) => String.fromCharCode(digit.charCodeAt(0) + 0xfee0));

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
    (line: string) => line.replace(/,$/, ',""')
  )
);

const readingRow = fc.record({
  faucet: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...faucets) }, fc.constant('69999999')),
  period: fc.constantFrom(...periods),
  usage: fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 600 }).map((tenths) => tenths / 10)),
  next: fc.boolean(),
  dirt
});

const readingsFile = fc.record({
  rows: fc.array(readingRow, { minLength: 0, maxLength: 30 }),
  eol: fc.constantFrom('\r\n', '\r\n', '\n'),
  bom: fc.boolean(),
  trailingEol: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, fc.constant(false)),
  header: fc.constantFrom(
    headers.readings,
    headers.readings,
    'period,faucet_no,usage_m3,meter_value,reading_date,next_reading_date',
    'faucet_no,period,reading_date,meter_value,usage_m3',
    `${headers.readings},memo`
  )
});

type FileSpec = typeof readingsFile extends fc.Arbitrary<infer T> ? T : never;

function fileOf(spec: FileSpec): string {
  const order = spec.header.split(',');
  const lines = spec.rows.map(({ faucet, period, usage, next, dirt: dirty }) => {
    const values: Record<string, string> = {
      faucet_no: faucet,
      period,
      reading_date: `${period}-14`,
      meter_value: String(1000 + Math.floor(usage)),
      usage_m3: String(usage),
      next_reading_date: next ? `${period}-28` : '',
      memo: 'メモ'
    };
    return dirty(order.map((name) => values[name]).join(','));
  });
  const text = [spec.header, ...lines].join(spec.eol) + (spec.trailingEol ? spec.eol : '');
  const file = writeCsv([], { name: `fast-${Math.random().toString(36).slice(2)}.csv` });
  writeFileSync(file, Buffer.concat([Buffer.from(spec.bom ? [0xef, 0xbb, 0xbf] : []), Buffer.from(text, 'utf8')]));
  return file;
}

describe(`readings by COPY and row by row on ${driverName}`, () => {
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

  it('takes a clean file by COPY and leaves one it would normalise to the row checks', async () => {
    const { db } = fast.handle;
    // Staged inside a transaction that is then rolled back: only what stageByCopy answers matters here.
    const copiedOrNot = async (lines: string[]) => {
      let copied: unknown;
      await transactionWithCopy(db, async (tx) => {
        await tx.db.execute(sql.raw(targets.readings.createStaging));
        const path = writeCsv([headers.readings, ...lines]);
        copied = await stageByCopy(tx, 'readings', path, headers.readings.split(','), importRules, { every: 1000, report: () => {} });
        throw new Error('roll back');
      }).catch(() => {});
      return copied;
    };
    expect(await copiedOrNot([readingLine(faucets[0]!, '2026-04', 12)])).toMatchObject({ rowsRead: 1 });
    expect(await copiedOrNot([fullWidth(readingLine(faucets[0]!, '2026-04', 12))])).toBeUndefined();
    expect(await copiedOrNot([readingLine(faucets[0]!, '2026-02', 12, '30')])).toBeUndefined();
    expect(await copiedOrNot([`${readingLine(faucets[0]!, '2026-04', 12)},extra`])).toBeUndefined();
    expect(await copiedOrNot([readingLine('6000-0000', '2026-04', 12)])).toBeUndefined();
  });

  it(`gives the same report and the same database (${runs} files, seed ${seed})`, async () => {
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(readingsFile, fc.boolean(), async (spec, again) => {
        const path = fileOf(spec);
        const now = new Date();
        const results = [];
        for (const [database, rowByRow] of [
          [fast, false],
          [slow, true]
        ] as const) {
          const result = await importFiles({ db: database.handle.db, now }, [{ kind: 'readings', path }], { ...options, rowByRow });
          // The same file again: unchanged rows must stay unchanged either way.
          const repeated = again ? await importFiles({ db: database.handle.db, now }, [{ kind: 'readings', path }], { ...options, rowByRow }) : result;
          results.push(formatReport(result) + formatReport(repeated));
        }
        expect(results[0]).toBe(results[1]);
        expect(await written(fast.handle.db)).toEqual(await written(slow.handle.db));
        const status = results[0]!.split('\n')[0]!;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }),
      { numRuns: runs, seed }
    );
    // Imported, unchanged and rejected files all came by: the comparison covered each way out.
    expect(statuses.size).toBeGreaterThanOrEqual(3);
  });
});
