import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LISTED_BAD_LINES } from '../server/features/imports/problem-log.js';
import { runInChild } from './child.js';
import type { ScratchDatabase } from './import-readings.js';
import { progress, round, type Figure } from './results.js';

const BAD_LINES = 370_000;

/** A readings file whose every date is written 2026/01/15: every line bad, for the same reason. */
function writeBadFile(): string {
  const lines = ['faucet_no,period,reading_date,meter_value,usage_m3,next_reading_date'];
  for (let index = 0; index < BAD_LINES; index += 1) lines.push(`${30_000_000 + (index % 15_000)},2026-01,2026/01/15,${1000 + index},12.5,`);
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'portal-bench-bad-')), 'readings.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

interface BadImport {
  exitCode: number;
  rowsRead: number;
  reportLines: number;
  reportTail: string;
  maxRssMb: number;
}

/**
 * The importing process's peak RSS for a file that is bad on every line; the report must list
 * the first bad lines and count the rest, in memory that does not grow with the file.
 */
export async function benchImportBadFile(scratch: () => Promise<ScratchDatabase>): Promise<Record<string, Figure>> {
  progress(`writing ${BAD_LINES.toLocaleString('en')} readings lines, every date 2026/01/15`);
  const file = writeBadFile();
  progress('PostgreSQL: npm run import of the bad file');
  const database = await scratch();
  const result = await runInChild<BadImport>('bench/import-bad-child.ts', [file], { DATABASE_URL: database.url }).finally(() => database.drop());
  const unlisted = (BAD_LINES - LISTED_BAD_LINES).toLocaleString('en');
  const expectedTail = `and ${unlisted} more bad lines, by rule:\n    reading_date: 日付は YYYY-MM-DD で書いてください / a date must be written YYYY-MM-DD … ${unlisted}`;
  if (result.exitCode !== 1 || result.rowsRead !== BAD_LINES || !result.reportTail.includes(expectedTail)) {
    throw new Error(`the bad file's import did not end as it must (exit 1, ${LISTED_BAD_LINES} lines listed, the rest counted): ${JSON.stringify(result)}`);
  }
  progress(`exit 1, a report of ${result.reportLines.toLocaleString('en')} lines ending:\n${result.reportTail}`);
  return { import_bad_file_peak_rss_mb: { value: round(result.maxRssMb), unit: 'MB', n: BAD_LINES } };
}
