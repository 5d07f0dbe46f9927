import { accessSync, closeSync, constants, existsSync, fsyncSync, mkdirSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type Config } from '../config.js';

/**
 * Less free space than this and the portal would fail later, mid-write (the embedded database,
 * the mail outbox), with an error far from its cause: it is refused at start instead.
 */
export const MIN_FREE_BYTES = 16 * 1024 * 1024;

/** A write as big as one page of the embedded database, synced: a full disk or a read-only mount shows here. */
const PROBE_BYTES = 8192;

function problemOf(code: string | undefined): string {
  if (code === 'EROFS' || code === 'EACCES' || code === 'EPERM') return `cannot write there: it is read-only (${code})`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `the disk is full (${code})`;
  if (code === 'ENOTDIR' || code === 'EEXIST') return `not a directory (${code})`;
  return `cannot write there (${code ?? 'unknown error'})`;
}

function makeDirectory(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    // A recursive mkdir under a read-only parent reports ENOENT: the nearest parent there says why.
    let parent = path.dirname(dir);
    while (!existsSync(parent)) parent = path.dirname(parent);
    accessSync(parent, constants.W_OK);
    throw error;
  }
}

/**
 * DATA_DIR must be a directory the portal can write to, with room: checked before the
 * database opens, so the operator reads what is wrong instead of a stack trace from deep
 * inside the embedded database.
 */
export function checkDataDir(config: Pick<Config, 'dataDir'>): void {
  const dir = config.dataDir;
  try {
    makeDirectory(dir);
    const { bavail, bsize } = statfsSync(dir);
    const free = bavail * bsize;
    if (free < MIN_FREE_BYTES) {
      throw new ConfigError(`DATA_DIR ${dir}: the disk is full (${Math.floor(free / 1024)} KB free, at least ${MIN_FREE_BYTES / 1024 / 1024} MB needed)`);
    }
    const probe = path.join(dir, `.write-check-${process.pid}`);
    const fd = openSync(probe, 'w');
    try {
      writeSync(fd, Buffer.alloc(PROBE_BYTES));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
      rmSync(probe, { force: true });
    }
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(`DATA_DIR ${dir}: ${problemOf((error as NodeJS.ErrnoException).code)}`);
  }
}
