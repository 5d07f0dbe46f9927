import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoProfilePath, parseProfile } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { importKinds, rowRulesOf, type ImportKind } from '../../server/domain/import-rows.js';
import { generateDemo } from '../../server/demo/generate.js';
import { writeDemoFiles } from '../../server/demo/write.js';
import { exitCodeOf, formatReport } from '../../server/features/imports/report.js';
import { importFiles } from '../../server/features/imports/service.js';
import type { Encoding } from '../../server/features/imports/source.js';
import { createCommandDatabase, createMigratedTestDatabase, driverName, type TestDatabase } from './support/database.js';
import { snapshot } from './support/import-files.js';
import { runCommand } from './support/server-process.js';

/**
 * Billing-system files as they arrive broken: a valid demo file set, mutated (bytes flipped,
 * cut short, quotes, commas and line ends where they do not belong, a BOM in the middle,
 * fields far too long, another encoding). Whatever comes, the import ends as `npm run import`
 * can report it (exit 0 or 1, never a crash), and a rejected import changes nothing.
 * FUZZ_RUNS sets the number of cases, FUZZ_SEED replays a failure (fast-check prints both).
 */
const runs = Number(process.env.FUZZ_RUNS ?? 200);
const seed = Number(process.env.FUZZ_SEED ?? 20261115);
const profile = parseProfile(readFileSync(demoProfilePath, 'utf8'), demoProfilePath);
const rules = rowRulesOf(profile);

const dir = mkdtempSync(path.join(tmpdir(), 'portal-fuzz-'));
let written = 0;
const demo = generateDemo({ faucets: 12, months: 4, seed: 3, endPeriod: '2026-09', tariff: profile.tariff, closingDays: profile.closingDays });
const valid = {} as Record<ImportKind, Buffer>;

type Mutation = (bytes: Buffer) => Buffer;

// Unbiased: fast-check favours the ends of a range, and the start of a file is its header.
const where = fc.noBias(fc.double({ min: 0, max: 1, noNaN: true }));
const position = (bytes: Buffer, fraction: number) => Math.floor(fraction * bytes.length);
/** Inserts a piece anywhere, or at the start of a field (after a comma), where a value is checked. */
const insert = (fraction: number, piece: Buffer, inField = false): Mutation => (bytes) => {
  let at = position(bytes, fraction);
  if (inField) at = bytes.indexOf(0x2c, at) + 1;
  return Buffer.concat([bytes.subarray(0, at), piece, bytes.subarray(at)]);
};
const pieces = ['"', '""', ',', '\r\n', '\n', '\r', '\u0000', '\uFEFF', '１２３', '﨑', '2026/01/15', '-1', '1014.55', '99999999999', '\uFFFD'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.tuple(where, fc.integer({ min: 0, max: 255 })).map(([fraction, byte]): Mutation => (bytes) => {
    const flipped = Buffer.from(bytes);
    if (flipped.length > 0) flipped[Math.min(position(bytes, fraction), bytes.length - 1)] = byte;
    return flipped;
  }),
  where.map((fraction): Mutation => (bytes) => bytes.subarray(0, position(bytes, fraction))),
  fc.tuple(where, where).map(([from, to]): Mutation => (bytes) =>
    Buffer.concat([bytes.subarray(0, position(bytes, Math.min(from, to))), bytes.subarray(position(bytes, Math.max(from, to)))])
  ),
  {
    weight: 4,
    arbitrary: fc.tuple(where, fc.constantFrom(...pieces), fc.boolean()).map(([fraction, piece, inField]) => insert(fraction, Buffer.from(piece), inField))
  },
  where.map((fraction) => insert(fraction, Buffer.from([0xef, 0xbb, 0xbf]))),
  fc.tuple(where, fc.integer({ min: 1_000, max: 100_000 }), fc.boolean()).map(([fraction, length, quoted]) =>
    insert(fraction, Buffer.from(`${quoted ? '"' : ''}${'長'.repeat(length)}`))
  ),
  // One value of one row replaced: the row stays CSV, so the odd value reaches the checks and the database.
  {
    weight: 4,
    arbitrary: fc.tuple(where, fc.nat(), fc.constantFrom(...pieces)).map(([fraction, field, piece]): Mutation => (bytes) => {
      const lines = bytes.toString('utf8').split('\r\n');
      const row = 1 + Math.floor(fraction * (lines.length - 2));
      const fields = (lines[row] ?? '').split(',');
      fields[field % fields.length] = piece;
      lines[row] = fields.join(',');
      return Buffer.from(lines.join('\r\n'));
    })
  },
  // A line again: the same key twice in one file.
  where.map((fraction): Mutation => (bytes) => {
    const lines = bytes.toString('latin1').split('\r\n');
    const line = lines[1 + Math.floor(fraction * (lines.length - 2))] ?? '';
    return Buffer.concat([bytes, Buffer.from(`${line}\r\n`, 'latin1')]);
  }),
  fc.uint8Array({ maxLength: 3000 }).map((random): Mutation => () => Buffer.from(random))
);

/** Mostly the billing system's UTF-8; sometimes the whole file in another encoding. */
const reencoding = fc.oneof(
  { weight: 5, arbitrary: fc.constant<Mutation>((bytes) => bytes) },
  fc.constantFrom<Mutation>(
    (bytes) => iconv.encode(bytes.toString('utf8'), 'cp932'),
    (bytes) => iconv.encode(bytes.toString('utf8'), 'utf16le'),
    (bytes) => Buffer.from(bytes.toString('latin1'), 'utf8')
  )
);

const fuzzCase = fc.record({
  kind: fc.constantFrom(...importKinds),
  mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
  reencode: reencoding,
  encoding: fc.constantFrom<Encoding | undefined>(undefined, 'utf8', 'sjis'),
  dryRun: fc.boolean()
});

function mutatedFile({ kind, mutations, reencode }: { kind: ImportKind; mutations: Mutation[]; reencode: Mutation }): string {
  const bytes = reencode(mutations.reduce((current, mutate) => mutate(current), valid[kind]));
  written += 1;
  const file = path.join(dir, `${written}-${kind}.csv`);
  writeFileSync(file, bytes);
  return file;
}

beforeAll(async () => {
  await writeDemoFiles(dir, demo, { encoding: 'utf8' });
  for (const kind of importKinds) valid[kind] = readFileSync(path.join(dir, `${kind}.csv`));
});

describe(`mutated billing files on ${driverName}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    const base = await importFiles({ db: database.handle.db, now: new Date() }, importKinds.map((kind) => ({ kind, path: path.join(dir, `${kind}.csv`) })), { rules, notices: profile.notices, ranBy: 'fuzz' });
    expect(base.status).toBe('imported');
  });
  afterAll(() => database.dispose());

  it(`end imported, unchanged or rejected with a report, and a rejection changes nothing (${runs} cases, seed ${seed})`, async () => {
    const { db } = database.handle;
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fuzzCase, async (fuzz) => {
        const before = await snapshot(db);
        const result = await importFiles({ db, now: new Date() }, [{ kind: fuzz.kind, path: mutatedFile(fuzz), encoding: fuzz.encoding }], {
          rules,
          notices: profile.notices,
          ranBy: 'fuzz',
          dryRun: fuzz.dryRun
        });
        statuses.set(result.status, (statuses.get(result.status) ?? 0) + 1);
        expect([0, 1]).toContain(exitCodeOf(result));
        expect(formatReport(result)).toMatch(/^(取り込みました|変更はありませんでした|不正な行があるため|確認のみ)/);
        if (result.status === 'rejected') {
          expect(result.files[0]!.badLines).toBeGreaterThan(0);
          expect(formatReport(result)).toMatch(/行目 .* \/ line \d+, /);
        }
        if (result.status === 'rejected' || result.status === 'dry-run') expect(await snapshot(db)).toEqual(before);
      }),
      { numRuns: runs, seed }
    );
    // Both ways out are taken: a fuzzer whose every case is refused at the header tests nothing behind it.
    expect(statuses.get('rejected')).toBeGreaterThan(runs / 4);
    expect(runs - statuses.get('rejected')!).toBeGreaterThan(runs / 20);
  });

  it('as `npm run import` itself: exit 0 or 1 with the report, 2 for a usage error, the database unchanged on 1 and 2', async () => {
    const command = await createCommandDatabase({ migrated: true });
    try {
      const handle = await openDatabase(command.target);
      await importFiles({ db: handle.db, now: new Date() }, [{ kind: 'customers', path: path.join(dir, 'customers.csv') }], { rules, notices: profile.notices, ranBy: 'fuzz' });
      const before = await snapshot(handle.db);
      await handle.close();

      const cases = fc.sample(fuzzCase, { numRuns: 1, seed });
      for (const fuzz of cases) {
        const args = [fuzz.kind, mutatedFile(fuzz), ...(fuzz.encoding ? ['--encoding', fuzz.encoding] : []), '--dry-run'];
        const run = runCommand('server/cli/import.ts', args, command.env);
        expect([0, 1]).toContain(await run.exited);
        expect(run.stdout()).toContain('summary: rows read');
      }
      const usage = runCommand('server/cli/import.ts', ['readings', path.join(dir, 'customers.csv'), '--encoding', 'utf16'], command.env);
      expect(await usage.exited).toBe(2);

      const after = await openDatabase(command.target);
      expect(await snapshot(after.db)).toEqual(before);
      await after.close();
    } finally {
      await command.dispose();
    }
  });
});
