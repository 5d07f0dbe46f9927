import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshDataDir, runServer } from './support/server-process.js';

/**
 * `chmod` does not stop root, and CI runs as root: a read-only or full DATA_DIR is then a tmpfs
 * mounted read-only, or a tiny one filled to the last byte. Unprivileged, a mode of 0555 stands
 * for read-only, and a full disk cannot be made: that case needs root.
 */
const isRoot = process.getuid?.() === 0;

const mounts: string[] = [];
afterEach(() => {
  while (mounts.length) execFileSync('umount', [mounts.pop()!]);
});

function mountTmpfs(options: string): string {
  const dir = path.join(freshDataDir(), 'mnt');
  mkdirSync(dir);
  execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir]);
  mounts.push(dir);
  return dir;
}

/** Writes zeros until the filesystem says it has no room left. */
function fill(dir: string) {
  const fd = openSync(path.join(dir, 'filler'), 'w');
  const block = Buffer.alloc(64 * 1024);
  try {
    for (;;) writeSync(fd, block);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
}

/** Starts the server as `npm start` would, on PostgreSQL or not: DATA_DIR is checked before any database. */
async function failedStart(dataDir: string) {
  const started = performance.now();
  const run = runServer({ DATA_DIR: dataDir });
  const code = await run.exited;
  return { code, output: run.output(), ms: performance.now() - started };
}

function expectClearRefusal(result: Awaited<ReturnType<typeof failedStart>>, message: string) {
  expect(result.code).toBe(1);
  // One line that says what to fix: no stack trace, no log of a database that never opened.
  expect(result.output).toBe(`Cannot start: ${message}\n`);
  expect(result.ms).toBeLessThan(10_000);
}

describe('a DATA_DIR the portal cannot use stops start-up with exit code 1 and one line naming it and the problem', () => {
  it('read-only', async () => {
    let dir: string;
    if (isRoot) {
      dir = mountTmpfs('ro,size=64m');
    } else {
      dir = freshDataDir();
      chmodSync(dir, 0o555);
    }
    expectClearRefusal(await failedStart(dir), `DATA_DIR ${dir}: cannot write there: it is read-only (${isRoot ? 'EROFS' : 'EACCES'})`);
  });

  it('a directory under a read-only one, not there yet', async () => {
    const parent = isRoot ? mountTmpfs('ro,size=64m') : freshDataDir();
    if (!isRoot) chmodSync(parent, 0o555);
    const dir = path.join(parent, 'data');
    expectClearRefusal(await failedStart(dir), `DATA_DIR ${dir}: cannot write there: it is read-only (${isRoot ? 'EROFS' : 'EACCES'})`);
  });

  it.runIf(isRoot)('full', async () => {
    const dir = mountTmpfs('size=4m');
    fill(dir);
    expectClearRefusal(await failedStart(dir), `DATA_DIR ${dir}: the disk is full (0 KB free, at least 16 MB needed)`);
  });

  it.runIf(isRoot)('nearly full: less room than the portal needs to run', async () => {
    const dir = mountTmpfs('size=4m');
    expectClearRefusal(await failedStart(dir), `DATA_DIR ${dir}: the disk is full (4096 KB free, at least 16 MB needed)`);
  });

  it('a file, not a directory', async () => {
    const file = path.join(freshDataDir(), 'data');
    writeFileSync(file, '');
    expectClearRefusal(await failedStart(file), `DATA_DIR ${file}: not a directory (EEXIST)`);
  });
});
