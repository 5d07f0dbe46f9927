import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { progress, recordFigures, resultsFile } from './results.js';

/**
 * The benches run on a real PostgreSQL server (scratch databases are made and dropped there).
 * Set before the benches load: the test helpers they share read DATABASE_URL when imported.
 */
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const serverUrl = process.env.DATABASE_URL;

const { benchImportReadings } = await import('./import-readings.js');
const { benchAccounts } = await import('./accounts.js');
const { benchSync } = await import('./sync.js');
const { benchJavaScriptSize } = await import('./js-size.js');

async function scratchDatabase() {
  const name = `portal_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = postgres(serverUrl, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    }
  };
}

const figures = {
  ...(await benchImportReadings(scratchDatabase)),
  ...(await benchAccounts()),
  ...(await benchSync()),
  ...(await benchJavaScriptSize())
};
recordFigures(figures);
progress(`wrote ${resultsFile}`);
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
