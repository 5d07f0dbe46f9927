import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { progress, recordFigures, resultsFile, type Figure } from './results.js';

/**
 * The benches run on a real PostgreSQL server (scratch databases are made and dropped there).
 * Set before the benches load: the test helpers they share read DATABASE_URL when imported.
 */
process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
const serverUrl = process.env.DATABASE_URL;

const benches = {
  import: async () => (await import('./import-readings.js')).benchImportReadings(scratchDatabase),
  'import-bad': async () => (await import('./import-bad-file.js')).benchImportBadFile(scratchDatabase),
  'upload-check': async () => (await import('./upload-check.js')).benchUploadCheck(scratchDatabase),
  accounts: async () => (await import('./accounts.js')).benchAccounts(),
  'failed-login': async () => (await import('./failed-login-timing.js')).benchFailedLoginTiming(),
  sync: async () => (await import('./sync.js')).benchSync(),
  push: async () => (await import('./push-fanout.js')).benchPushFanout(scratchDatabase),
  notices: async () => (await import('./notices-after-import.js')).benchNoticesAfterImport(scratchDatabase),
  load: async () => (await import('./bill-day-load.js')).benchBillDayLoad(scratchDatabase),
  js: async () => (await import('./js-size.js')).benchJavaScriptSize(),
  coldstart: async () => (await import('./offline-coldstart.js')).benchOfflineColdStart(),
  lighthouse: async () => (await import('./lighthouse.js')).benchLighthouse()
};
type BenchName = keyof typeof benches;

/** A database of the bench's own on the server, empty or a copy of `template` (which nobody may be connected to). */
async function scratchDatabase(template?: { url: string }) {
  const name = `portal_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}${template ? ` template ${new URL(template.url).pathname.slice(1)}` : ''}`);
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

/** Runs one of the scale benches, apart from the others for its length: only its full size is recorded, a trial size printed. */
async function scaleRun(label: string, full: boolean, run: () => Promise<Record<string, Figure>>): Promise<never> {
  const started = performance.now();
  const figures = await run();
  progress(`${label}: ${Math.round((performance.now() - started) / 1000)} s`);
  if (full) {
    recordFigures(figures);
    progress(`wrote ${resultsFile}`);
  } else progress('a trial size: the figures are printed, not recorded');
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(0);
}

// `npm run bench -- --scale large`: the city-sized run (bench/scale-large.ts); `--scale 5000` runs it on 5,000 faucets to try it out.
// `npm run bench -- --scale utilities`: 10 utilities × 10,000 faucets on one PostgreSQL (bench/scale-utilities.ts); `utilities:3x500` to try it.
const scaleAt = process.argv.indexOf('--scale');
if (scaleAt >= 0) {
  const size = process.argv[scaleAt + 1] ?? '';
  const utilitiesSize = /^utilities(?::(\d+)x(\d+))?$/.exec(size);
  if (utilitiesSize) {
    const { benchUtilities, UTILITIES, FAUCETS_PER_UTILITY } = await import('./scale-utilities.js');
    const utilities = Number(utilitiesSize[1] ?? UTILITIES);
    const faucets = Number(utilitiesSize[2] ?? FAUCETS_PER_UTILITY);
    if (utilities < 2 || faucets < 100) {
      process.stderr.write(`--scale utilities:<utilities>x<faucets> takes at least 2 utilities (two bill days at once) of 100 faucets, not ${JSON.stringify(size)}\n`);
      process.exit(2);
    }
    await scaleRun(`utilities run of ${utilities} × ${faucets.toLocaleString('en')} faucets`, utilities === UTILITIES && faucets === FAUCETS_PER_UTILITY, () =>
      benchUtilities(scratchDatabase, utilities, faucets)
    );
  }
  const { benchScale, LARGE_FAUCETS } = await import('./scale-large.js');
  const faucets = size === 'large' ? LARGE_FAUCETS : Number(size);
  if (!Number.isInteger(faucets) || faucets < 1000) {
    process.stderr.write(`--scale takes "large", a number of faucets (at least 1,000) or "utilities[:<utilities>x<faucets>]", not ${JSON.stringify(size)}\n`);
    process.exit(2);
  }
  await scaleRun(`scale run of ${faucets.toLocaleString('en')} faucets`, faucets === LARGE_FAUCETS, () => benchScale(scratchDatabase, faucets));
}

// `npm run bench -- sync js` runs only those; the other figures in results.json stay as they were.
const chosen = process.argv.slice(2);
const unknown = chosen.filter((name) => !(name in benches));
if (unknown.length > 0) {
  process.stderr.write(`unknown bench ${unknown.join(', ')}; choose from ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
const figures: Record<string, Figure> = {};
for (const name of (chosen.length > 0 ? chosen : Object.keys(benches)) as BenchName[]) Object.assign(figures, await benches[name]());
recordFigures(figures);
progress(`wrote ${resultsFile}`);
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
