import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { benchAccounts } from './accounts.js';
import { benchImportReadings, type ScratchDatabase } from './import-readings.js';
import { progress, recordFigures, resultsFile } from './results.js';

/** The benches run on a real PostgreSQL server: scratch databases are created and dropped there. */
const serverUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function scratchDatabase(): Promise<ScratchDatabase> {
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

// The database suites' helpers read DATABASE_URL: the account bench runs on the same server.
process.env.DATABASE_URL = serverUrl;
const figures = { ...(await benchImportReadings(scratchDatabase)), ...(await benchAccounts()) };
recordFigures(figures);
progress(`wrote ${resultsFile}`);
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
