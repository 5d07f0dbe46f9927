import { createReadStream, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import postgres from 'postgres';
import { againstBaseline, progress, round, type Figure } from './results.js';
import { runInChild } from './child.js';
import { openDatabase } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { importFiles } from '../server/features/imports/service.js';
import { importRules, noticeRules } from '../tests/integration/support/import-files.js';

const FAUCETS = 15_000;
const MONTHS = 24;
export const readingsRows = FAUCETS * MONTHS;

/** 15,000 faucets × 24 monthly readings, written once per run as a billing system would. */
export function writeBenchFiles(): { customers: string; readings: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-bench-'));
  const customers = [
    'faucet_no,holder_name,holder_kana,phone,supply_address,billing_name,billing_postal_code,billing_address,contract_start,contract_end,payment_method'
  ];
  const readings = ['faucet_no,period,reading_date,meter_value,usage_m3,next_reading_date'];
  for (let index = 0; index < FAUCETS; index += 1) {
    const faucetNo = String(30_000_000 + index);
    customers.push(`${faucetNo},名寄 利用者${index},ナヨロ リヨウシャ,01654-2-${String(index % 10_000).padStart(4, '0')},名寄市西${index % 20}条南${index % 9}丁目,,,,2015-04-01,,transfer`);
    let meter = 1000 + (index % 500);
    for (let month = 0; month < MONTHS; month += 1) {
      const year = 2024 + Math.floor(month / 12);
      const period = `${year}-${String((month % 12) + 1).padStart(2, '0')}`;
      const usageTenths = 80 + ((index * 7 + month * 13) % 300);
      meter += Math.floor(usageTenths / 10);
      readings.push(`${faucetNo},${period},${period}-14,${meter},${usageTenths / 10},`);
    }
  }
  const files = { customers: path.join(dir, 'customers.csv'), readings: path.join(dir, 'readings.csv') };
  writeFileSync(files.customers, `${customers.join('\r\n')}\r\n`);
  writeFileSync(files.readings, `${readings.join('\r\n')}\r\n`);
  return files;
}

const rawReadingsTable = `create table raw_readings (
  faucet_no text, period text, reading_date date, meter_value int, usage_m3 numeric, next_reading_date date)`;

/** The baseline: the same bytes through plain COPY into an unindexed table, nothing checked. */
async function copyIntoPostgres(url: string, file: string): Promise<number> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(rawReadingsTable);
    const started = performance.now();
    const writable = await sql`copy raw_readings from stdin with (format csv, header true)`.writable();
    await pipeline(createReadStream(file), writable);
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

async function copyIntoPglite(file: string): Promise<number> {
  const db = await PGlite.create();
  try {
    await db.exec(rawReadingsTable);
    const started = performance.now();
    await db.query(`copy raw_readings from '/dev/blob' with (format csv, header true)`, [], {
      blob: new Blob([readFileSync(file)])
    });
    return performance.now() - started;
  } finally {
    await db.close();
  }
}

/**
 * What no import can beat: the readings already typed and in the database, moved by one
 * INSERT … SELECT into the real readings table as migrated (its key, foreign key, checks and
 * version), nothing checked, no correction handled. Customers are imported first, untimed.
 */
async function insertFloorOnPostgres(url: string, files: { customers: string; readings: string }): Promise<number> {
  const database = await openDatabase({ databaseUrl: url });
  try {
    await migrate(database.db);
    await importFiles({ db: database.db, now: new Date() }, [{ kind: 'customers', path: files.customers }], { rules: importRules, notices: noticeRules, ranBy: 'bench' });
  } finally {
    await database.close();
  }
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(rawReadingsTable);
    await pipeline(createReadStream(files.readings), await sql`copy raw_readings from stdin with (format csv, header true)`.writable());
    const started = performance.now();
    await sql.unsafe(`insert into readings (faucet_id, period, reading_date, meter_value, usage_tenths, next_reading_date)
      select f.id, r.period, r.reading_date, r.meter_value, (r.usage_m3 * 10)::int, r.next_reading_date
      from raw_readings r join faucets f on f.faucet_no = r.faucet_no`);
    return performance.now() - started;
  } finally {
    await sql.end();
  }
}

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

interface ImportMeasurement {
  ms: number;
  maxRssMb: number;
  rows: number;
}

/** Imports customers (untimed), then the readings (timed) in a child process of its own, so its peak RSS is the import's. */
function importInChild(files: { customers: string; readings: string }, env: Record<string, string>): Promise<ImportMeasurement> {
  return runInChild<ImportMeasurement>('bench/import-child.ts', [files.customers, files.readings], env);
}

export async function benchImportReadings(scratch: () => Promise<ScratchDatabase>): Promise<Record<string, Figure>> {
  progress(`writing ${readingsRows.toLocaleString('en')} readings rows`);
  const files = writeBenchFiles();

  progress('PostgreSQL: raw COPY baseline');
  const copyDb = await scratch();
  const copyMs = await copyIntoPostgres(copyDb.url, files.readings).finally(() => copyDb.drop());
  progress('PostgreSQL: npm run import (checked, upserted, versioned)');
  const importDb = await scratch();
  const imported = await importInChild(files, { DATABASE_URL: importDb.url }).finally(() => importDb.drop());

  progress('PostgreSQL: the floor (typed rows moved by one INSERT … SELECT into the real table)');
  const floorDb = await scratch();
  const floorMs = await insertFloorOnPostgres(floorDb.url, files).finally(() => floorDb.drop());

  progress('PGlite: raw COPY baseline');
  const pgliteCopyMs = await copyIntoPglite(files.readings);
  progress('PGlite: npm run import');
  const pgliteImported = await importInChild(files, { DATA_DIR: mkdtempSync(path.join(tmpdir(), 'portal-bench-pglite-')) });

  const perSecond = (ms: number) => (readingsRows / ms) * 1000;
  return {
    import_readings_rows_per_s: againstBaseline(perSecond(imported.ms), 'rows/s', perSecond(copyMs), imported.rows),
    copy_readings_rows_per_s: { value: round(perSecond(copyMs)), unit: 'rows/s', n: readingsRows },
    insert_floor_readings_rows_per_s: againstBaseline(perSecond(floorMs), 'rows/s', perSecond(copyMs), readingsRows),
    import_peak_rss_mb: { value: round(imported.maxRssMb), unit: 'MB' },
    import_readings_rows_per_s_pglite: againstBaseline(perSecond(pgliteImported.ms), 'rows/s', perSecond(pgliteCopyMs), pgliteImported.rows),
    import_peak_rss_mb_pglite: { value: round(pgliteImported.maxRssMb), unit: 'MB' }
  };
}
