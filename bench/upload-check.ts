import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../server/config.js';
import { configuredTarget, openDatabase } from '../server/db/client.js';
import { migrate } from '../server/db/migrate.js';
import { commandLine } from '../server/features/audit/service.js';
import { createStaff } from '../server/features/staff/service.js';
import { createClient } from '../tests/integration/support/app.js';
import { freshDataDir, startServer, stopServer } from '../tests/integration/support/server-process.js';
import { upload } from '../tests/integration/support/staff.js';
import { againstBaseline, progress, round, type Figure } from './results.js';

/** The upload's size: some 500,000 readings lines. */
const FILE_BYTES = 20 * 1024 * 1024;
const PROBE_EVERY_MS = 50;
const ORIGIN = 'http://localhost:3000';
const ADMIN = 'bench-admin@city.example.jp';
const PASSWORD = 'bench-upload-check-2026';

/** A readings file whose every date is written 2026/01/15: every line bad, for the same reason. */
function writeBadFile(): string {
  const lines = ['faucet_no,period,reading_date,meter_value,usage_m3,next_reading_date'];
  let bytes = 0;
  for (let index = 0; bytes < FILE_BYTES; index += 1) {
    const line = `${30_000_000 + (index % 15_000)},2026-01,2026/01/15,${1000 + index},12.5,`;
    lines.push(line);
    bytes += line.length + 2;
  }
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'portal-bench-upload-')), 'readings.csv');
  writeFileSync(file, `${lines.join('\r\n')}\r\n`);
  return file;
}

/** The idle floor the figure is set against. */
const IDLE_SECONDS = 5;

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * share) - 1)]!;
const describe = (sorted: number[]) =>
  `n ${sorted.length}, p50 ${round(percentile(sorted, 0.5))} ms, p99 ${round(percentile(sorted, 0.99))} ms, max ${round(sorted.at(-1)!)} ms`;

/** GET /healthz, each one 50 ms after the last answer, until `until` settles; the times sorted. */
async function probeHealthz(baseUrl: string, until: Promise<unknown>): Promise<number[]> {
  let settled = false;
  void until.finally(() => (settled = true)).catch(() => {});
  const times: number[] = [];
  while (!settled) {
    const started = performance.now();
    const response = await fetch(`${baseUrl}/healthz`);
    await response.arrayBuffer();
    times.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, PROBE_EVERY_MS));
  }
  return times.sort((a, b) => a - b);
}

/**
 * /healthz answered while an admin checks (a dry run) a 20 MiB readings file bad on every
 * line on the real server: probed every 50 ms from the first byte of the upload to its answer.
 */
export async function benchUploadCheck(scratch: () => Promise<{ url: string; drop(): Promise<void> }>): Promise<Record<string, Figure>> {
  const file = writeBadFile();
  const database = await scratch();
  try {
    const dataDir = freshDataDir();
    const handle = await openDatabase(configuredTarget(loadConfig({ DATABASE_URL: database.url, DATA_DIR: dataDir }), 'command'));
    await migrate(handle.db);
    const { password } = await createStaff({ db: handle.db, now: new Date() }, commandLine, { email: ADMIN, role: 'admin' });
    await handle.close();
    const server = await startServer({ DATABASE_URL: database.url, DATA_DIR: dataDir, ORIGIN });
    try {
      const admin = createClient(server.baseUrl, ORIGIN);
      await admin.api.staff.auth.login.mutate({ email: ADMIN, password });
      await admin.api.staff.auth.changePassword.mutate({ currentPassword: password, newPassword: PASSWORD });
      const readings = new File([readFileSync(file)], 'readings.csv');
      progress(`upload check: /healthz every ${PROBE_EVERY_MS} ms for ${IDLE_SECONDS} s with nothing else to do`);
      const idle = await probeHealthz(server.baseUrl, new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000)));
      progress(`upload check: ${(FILE_BYTES / 1024 / 1024).toFixed(0)} MiB readings file, every line bad, checked; /healthz every ${PROBE_EVERY_MS} ms meanwhile`);
      const started = performance.now();
      const check = upload(admin, { kind: 'readings', encoding: 'auto', file: readings });
      const during = await probeHealthz(server.baseUrl, check);
      const result = await check;
      const checkMs = performance.now() - started;
      if (result.status !== 'rejected') throw new Error(`the all-bad file was not rejected: ${result.status}`);
      progress(`idle: ${describe(idle)}`);
      progress(`checking (${Math.round(checkMs)} ms, ${result.files[0]!.badLines.toLocaleString('en')} bad lines): ${describe(during)}`);
      return { healthz_p99_during_upload_check_ms: againstBaseline(percentile(during, 0.99), 'ms', percentile(idle, 0.99), during.length) };
    } finally {
      await stopServer(server);
    }
  } finally {
    await database.drop();
  }
}
