import { linkSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Who holds a data folder's embedded database: the portal (serving it on `socket`) or a command. */
export interface Holder {
  pid: number;
  role: 'server' | 'command';
  socket?: string;
}

export interface Lock {
  release(): void;
}

/** A one-line refusal: the embedded database is someone else's now. */
export class EmbeddedDatabaseBusy extends Error {}

const LOCK_FILE = 'pglite.lock';

/**
 * Whether the pid a lock names is another process, alive. Our own pid is a previous life of
 * ours (in a container the portal is pid 1 at every start), whose lock a crash left behind.
 */
function isAlive(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: alive, under another user, who may share the folder: taking over wrongly would
    // corrupt the data, refusing wrongly costs a message.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The lock's holder; undefined for one that cannot be read, null when there is no lock. */
function readHolder(file: string): Holder | undefined | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  try {
    const holder = JSON.parse(text) as Partial<Holder>;
    return typeof holder.pid === 'number' ? (holder as Holder) : undefined;
  } catch {
    return undefined;
  }
}

function liveHolder(file: string): Holder | undefined {
  const holder = readHolder(file);
  return holder && isAlive(holder.pid) ? holder : undefined;
}

const MUTEX = `${LOCK_FILE}.d`;
/** Replacing a lock takes a few file operations: a mutex this old was left by a process killed meanwhile. */
const STALE_MUTEX_MS = 10_000;
const pause = new Int32Array(new SharedArrayBuffer(4));

/** Runs work holding DATA_DIR/pglite.lock.d, a folder: mkdir makes it or fails, in one step. */
function withMutex<T>(dataDir: string, work: () => T): T {
  const mutex = path.join(dataDir, MUTEX);
  for (;;) {
    try {
      mkdirSync(mutex);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const made = statSync(mutex, { throwIfNoEntry: false })?.mtimeMs;
    if (made !== undefined && Date.now() - made > STALE_MUTEX_MS) rmSync(mutex, { recursive: true, force: true });
    Atomics.wait(pause, 0, 0, 5);
  }
  try {
    return work();
  } finally {
    rmdirSync(mutex);
  }
}

/**
 * Takes DATA_DIR/pglite.lock for this process, or answers who holds it. The lock appears
 * whole or not at all: written aside, then hard-linked into place, which fails when one is
 * there. One left by a process that is gone is replaced under a mutex: only its holder replaces
 * a lock, and a dead process's lock changes no other way, so the one read as dead is the one
 * replaced (renamed over, in one step), never a fresh one another taker has just written.
 */
export function takeLock(dataDir: string, mine: Omit<Holder, 'pid'>): Lock | Holder {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = path.join(dataDir, LOCK_FILE);
  const draft = path.join(dataDir, `.${LOCK_FILE}.${process.pid}`);
  writeFileSync(draft, JSON.stringify({ pid: process.pid, ...mine }));
  try {
    for (;;) {
      try {
        linkSync(draft, lockFile);
        return heldLock(lockFile);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = liveHolder(lockFile);
      if (holder) return holder;
      const outcome = withMutex(dataDir, (): Lock | Holder | undefined => {
        const found = readHolder(lockFile);
        // Released meanwhile: the slot is open to a link again.
        if (found === null) return undefined;
        if (found && isAlive(found.pid)) return found;
        renameSync(draft, lockFile);
        return heldLock(lockFile);
      });
      if (outcome) return outcome;
    }
  } finally {
    rmSync(draft, { force: true });
  }
}

function heldLock(lockFile: string): Lock {
  const release = () => {
    process.off('exit', release);
    if (readHolder(lockFile)?.pid === process.pid) rmSync(lockFile, { force: true });
  };
  // A process that exits without closing the database (process.exit after an error) still lets go.
  process.on('exit', release);
  return { release };
}

/** sun_path holds 108 bytes on Linux, 104 on macOS, the closing NUL included. */
const MAX_SOCKET_PATH_BYTES = 100;

export interface SocketPlace {
  path: string;
  /** Removes what was made for the socket beside the socket file: nothing, or the folder. */
  remove(): void;
}

/**
 * DATA_DIR/pglite.sock, where the data is (its folder's permissions guard both); when that path
 * is too long for a Unix socket, a folder of the process's own under the system's temporary
 * directory (mode 0700). Commands find it in the lock either way.
 */
export function socketPlace(dataDir: string): SocketPlace {
  const beside = path.resolve(dataDir, 'pglite.sock');
  // The socket file itself is the server's to remove (and one left by a crash, to replace).
  if (Buffer.byteLength(beside) <= MAX_SOCKET_PATH_BYTES) return { path: beside, remove: () => {} };
  const folder = mkdtempSync(path.join(tmpdir(), 'portal-pglite-'));
  return { path: path.join(folder, 'socket'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

export function busyMessage(dataDir: string, holder: Holder, as: Holder['role']): string {
  const where = `the embedded database in ${path.resolve(dataDir)}`;
  if (as === 'command' && holder.role === 'server') {
    return `cannot reach ${where} through the running portal (pid ${holder.pid}): stop the server, or set DATABASE_URL`;
  }
  if (as === 'command') return `${where} is in use by another command (pid ${holder.pid}): run this one when it has finished, or set DATABASE_URL`;
  if (holder.role === 'server') return `${where} is in use by another portal (pid ${holder.pid}): stop it first, or set DATABASE_URL`;
  return `${where} is in use by a command (pid ${holder.pid}): start the portal when it has finished`;
}
