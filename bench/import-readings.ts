import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { againstBaseline, progress, round, type Figure } from './results.js';
import { runInChild } from './child.js';
import { writeBenchFiles } from './bench-files.js';
import { openDatabase, selectRows, type Database } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { pgliteOptions } from '../server/db/pglite-extensions.js';
import { importFiles } from '../server/features/imports/service.js';
import { demoUtility, importRules, noticeRules } from '../tests/integration/support/import-files.js';

const FAUCETS = 15_000;
const MONTHS = 24;
export const readingsRows = FAUCETS * MONTHS;

/** 15,000 faucets × 24 monthly readings, written once per run as a billing system would. */
function writeImportFiles(): { customers: string; readings: string } {
  return writeBenchFiles({ faucets: FAUCETS, months: MONTHS, firstYear: 2024, kinds: ['customers', 'readings'] });
}

const readingsColumns = 'faucet_id, period, reading_date, meter_value, usage_tenths, next_reading_date';

/**
 * The bench's readings as the readings table stores them, faucet numbers already resolved to
 * the ids `faucets` gave them: what COPY into the real table takes, no checks needed.
 */
function resolvedReadings(readings: string, idOf: Map<string, number>): string {
  const lines = readFileSync(readings, 'utf8').trimEnd().split('\r\n').slice(1);
  const resolved = lines.map((line) => {
    const [faucetNo, period, readingDate, meterValue, usage, next] = line.split(',');
    return `${idOf.get(faucetNo!)},${period},${readingDate},${meterValue},${Math.round(Number(usage) * 10)},${next}`;
  });
  const file = path.join(path.dirname(readings), 'readings-resolved.csv');
  writeFileSync(file, `${readingsColumns.replaceAll(' ', '')}\n${resolved.join('\n')}\n`);
  return file;
}

async function importCustomers(db: Database, customers: string) {
  await migrate(db);
  await importFiles({ db, now: new Date() }, [{ kind: 'customers', path: customers }], { rules: importRules, notices: noticeRules, ranBy: 'bench' });
  const ids = await selectRows<{ id: number; faucet_no: string }>(db, sql`select id, faucet_no from faucets`);
  return new Map(ids.map((row) => [row.faucet_no, row.id]));
}

/**
 * The baseline: the same readings by plain COPY into the real readings table as migrated (its
 * key, unique index, foreign key and checks in place), faucet ids resolved beforehand (untimed,
 * as are the customers imported first). What an import that checks nothing would cost.
 */
async function copyIntoPostgres(url: string, files: { customers: string; readings: string }): Promise<number> {
  const database = await openDatabase({ databaseUrl: url, utility: demoUtility });
  let resolved: string;
  try {
    resolved = resolvedReadings(files.readings, await importCustomers(database.db, files.customers));
  } finally {
    await database.close();
  }
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const started = performance.now();
    await pipeline(createReadStream(resolved), await client.unsafe(`copy readings (${readingsColumns}) from stdin with (format csv, header true)`).writable());
    return performance.now() - started;
  } finally {
    await client.end();
  }
}

async function copyIntoPglite(files: { customers: string; readings: string }): Promise<number> {
  const pglite = await PGlite.create(pgliteOptions(demoUtility));
  const database = await openDatabase({ pglite, utility: demoUtility });
  try {
    const resolved = resolvedReadings(files.readings, await importCustomers(database.db, files.customers));
    const started = performance.now();
    await pglite.query(`copy readings (${readingsColumns}) from '/dev/blob' with (format csv, header true)`, [], {
      blob: new Blob([readFileSync(resolved)])
    });
    return performance.now() - started;
  } finally {
    await database.close();
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

interface ImportMeasurement {
  ms: number;
  /** The same file imported again right after: every row unchanged. */
  unchangedMs: number;
  maxRssMb: number;
  rows: number;
}

/** Imports customers (untimed), then the readings twice (timed) in a child process of its own, so its peak RSS is the import's. */
function importInChild(files: { customers: string; readings: string }, env: Record<string, string>): Promise<ImportMeasurement> {
  return runInChild<ImportMeasurement>('bench/import-child.ts', [files.customers, files.readings], env);
}

/**
 * Each way is measured this many times, COPY and import taking turns on fresh databases, and
 * the fastest of each kept: on a shared 2-core machine a neighbour's burst slows one run by up
 * to a half, and alternating keeps a slow spell from landing on one side only.
 */
const ROUNDS = 3;

interface Rounds {
  copyMs: number[];
  imported: ImportMeasurement[];
}

const fastest = (rounds: Rounds) => ({
  copyMs: Math.min(...rounds.copyMs),
  imported: {
    ms: Math.min(...rounds.imported.map((run) => run.ms)),
    unchangedMs: Math.min(...rounds.imported.map((run) => run.unchangedMs)),
    maxRssMb: Math.max(...rounds.imported.map((run) => run.maxRssMb)),
    rows: rounds.imported[0]!.rows
  }
});

async function inRounds(name: string, copy: () => Promise<number>, importOnce: () => Promise<ImportMeasurement>) {
  const rounds: Rounds = { copyMs: [], imported: [] };
  for (let round = 1; round <= ROUNDS; round += 1) {
    progress(`${name} ${round}/${ROUNDS}: COPY baseline (resolved rows into the real readings table)`);
    rounds.copyMs.push(await copy());
    progress(`${name} ${round}/${ROUNDS}: npm run import (checked, upserted, versioned), then the same file again`);
    rounds.imported.push(await importOnce());
    const perSecond = (ms: number) => Math.round((readingsRows / ms) * 1000).toLocaleString('en');
    progress(`${name} ${round}/${ROUNDS}: COPY ${perSecond(rounds.copyMs.at(-1)!)} rows/s, import ${perSecond(rounds.imported.at(-1)!.ms)} rows/s`);
  }
  return fastest(rounds);
}

export async function benchImportReadings(scratch: () => Promise<ScratchDatabase>): Promise<Record<string, Figure>> {
  progress(`writing ${readingsRows.toLocaleString('en')} readings rows`);
  const files = writeImportFiles();

  const postgresRounds = await inRounds(
    'PostgreSQL',
    async () => {
      const copyDb = await scratch();
      return copyIntoPostgres(copyDb.url, files).finally(() => copyDb.drop());
    },
    async () => {
      const importDb = await scratch();
      return importInChild(files, { DATABASE_URL: importDb.url }).finally(() => importDb.drop());
    }
  );
  const pgliteRounds = await inRounds(
    'PGlite',
    () => copyIntoPglite(files),
    () => importInChild(files, { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'portal-bench-pglite-')) })
  );

  const perSecond = (ms: number) => (readingsRows / ms) * 1000;
  const { copyMs, imported } = postgresRounds;
  const { copyMs: pgliteCopyMs, imported: pgliteImported } = pgliteRounds;
  return {
    import_readings_rows_per_s: againstBaseline(perSecond(imported.ms), 'rows/s', perSecond(copyMs), imported.rows),
    copy_readings_rows_per_s: { value: round(perSecond(copyMs)), unit: 'rows/s', n: readingsRows },
    import_unchanged_readings_rows_per_s: againstBaseline(perSecond(imported.unchangedMs), 'rows/s', perSecond(imported.ms), imported.rows),
    import_peak_rss_mb: { value: round(imported.maxRssMb), unit: 'MB' },
    import_readings_rows_per_s_pglite: againstBaseline(perSecond(pgliteImported.ms), 'rows/s', perSecond(pgliteCopyMs), pgliteImported.rows),
    import_unchanged_readings_rows_per_s_pglite: againstBaseline(
      perSecond(pgliteImported.unchangedMs),
      'rows/s',
      perSecond(pgliteImported.ms),
      pgliteImported.rows
    ),
    import_peak_rss_mb_pglite: { value: round(pgliteImported.maxRssMb), unit: 'MB' }
  };
}
