import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ABANDONED_UPLOAD_MS, sweepAbandonedUploads, uploadsDirOf } from '../../server/features/imports/upload.js';
import { createScratchPostgres, faultPostgresUrl } from './support/database.js';
import { freshDataDir, startServer, stopServer } from './support/server-process.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** An upload folder with its file, as a call killed mid-way leaves it, last touched `ageMs` ago. */
function leftUpload(uploadsDir: string, name: string, ageMs: number): string {
  const dir = path.join(uploadsDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'readings.csv'), 'faucet_no,period\n');
  const at = new Date(Date.now() - ageMs);
  utimesSync(dir, at, at);
  return dir;
}

describe('upload folders a killed process left behind', () => {
  it('are removed once they are older than any call could take; younger ones and other files stay', async () => {
    const uploadsDir = uploadsDirOf(freshDataDir());
    expect(await sweepAbandonedUploads(uploadsDir, new Date())).toBe(0);
    leftUpload(uploadsDir, 'upload-old', ABANDONED_UPLOAD_MS + 60_000);
    leftUpload(uploadsDir, 'upload-busy', 60_000);
    const other = path.join(uploadsDir, 'notes.txt');
    writeFileSync(other, 'kept');
    utimesSync(other, new Date(0), new Date(0));

    expect(await sweepAbandonedUploads(uploadsDir, new Date())).toBe(1);
    expect(readdirSync(uploadsDir).sort()).toEqual(['notes.txt', 'upload-busy']);
  });

  it('are removed when the server starts', async () => {
    const scratch = await createScratchPostgres(faultPostgresUrl);
    cleanups.push(() => scratch.drop());
    const dataDir = freshDataDir();
    const abandoned = leftUpload(uploadsDirOf(dataDir), 'upload-killed', 2 * ABANDONED_UPLOAD_MS);

    const server = await startServer({ DATA_DIR: dataDir, DATABASE_URL: scratch.url });
    cleanups.push(() => stopServer(server));

    expect(existsSync(abandoned)).toBe(false);
    expect(server.output()).toContain('"swept":1');
  }, 60_000);
});
