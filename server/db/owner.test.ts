import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { busyMessage, socketPlace, takeLock, type Lock } from './owner.js';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'owner-'));
const lockFile = (dir: string) => path.join(dir, 'pglite.lock');
/** The pid of a process that has ended. */
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid;

describe('takeLock', () => {
  it('writes this process into the lock, and removes it when released', () => {
    const dir = freshDir();
    const lock = takeLock(dir, { role: 'server', socket: '/s' }) as Lock;
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toEqual({ pid: process.pid, role: 'server', socket: '/s' });
    lock.release();
    expect(existsSync(lockFile(dir))).toBe(false);
    expect('release' in takeLock(dir, { role: 'command' })).toBe(true);
  });

  it('answers the holder while its process is alive', () => {
    const dir = freshDir();
    const holder = { pid: process.ppid, role: 'server', socket: '/s' };
    writeFileSync(lockFile(dir), JSON.stringify(holder));
    expect(takeLock(dir, { role: 'command' })).toEqual(holder);
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toEqual(holder);
  });

  it('takes over a lock whose process is gone, or that names this very pid (a previous life: pid 1 in a container), or that cannot be read', () => {
    const stales = [{ pid: deadPid(), role: 'server', socket: '/old' }, { pid: process.pid, role: 'server', socket: '/old' }];
    for (const stale of [...stales.map((holder) => JSON.stringify(holder)), '{"pid":']) {
      const dir = freshDir();
      writeFileSync(lockFile(dir), stale);
      const lock = takeLock(dir, { role: 'command' });
      expect('release' in lock).toBe(true);
      expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toEqual({ pid: process.pid, role: 'command' });
    }
  });

  it('replaces a stale lock only if, under the mutex, it is still the stale one: never a fresh lock another taker has just written', async () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), JSON.stringify({ pid: deadPid(), role: 'server' }));
    // This test holds the mutex, as a taker replacing the stale lock would.
    mkdirSync(path.join(dir, 'pglite.lock.d'));
    const script = `
      const { takeLock } = require(${JSON.stringify(fileURLToPath(new URL('./owner.ts', import.meta.url)))});
      process.stdout.write('taking\\n');
      const lock = takeLock(${JSON.stringify(dir)}, { role: 'command' });
      process.stdout.write('release' in lock ? 'took' : 'holder ' + lock.pid);`;
    const taker = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let said = '';
    taker.stdout.setEncoding('utf8').on('data', (text: string) => (said += text));
    const exited = new Promise((resolve) => taker.on('exit', resolve));
    while (!said.includes('taking')) await new Promise((resolve) => setTimeout(resolve, 20));
    // The taker has found the lock stale by now (on a machine this loaded, most likely) and waits for the mutex.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fresh = JSON.stringify({ pid: process.pid, role: 'server' });
    writeFileSync(`${lockFile(dir)}.fresh`, fresh);
    renameSync(`${lockFile(dir)}.fresh`, lockFile(dir));
    rmdirSync(path.join(dir, 'pglite.lock.d'));
    await exited;
    expect(said).toBe(`taking\nholder ${process.pid}`);
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(fresh);
  }, 60_000);

  it('takes over past a mutex left by a process killed while replacing a lock', () => {
    const dir = freshDir();
    writeFileSync(lockFile(dir), JSON.stringify({ pid: deadPid(), role: 'server' }));
    const mutex = path.join(dir, 'pglite.lock.d');
    mkdirSync(mutex);
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(mutex, minuteAgo, minuteAgo);
    expect('release' in takeLock(dir, { role: 'command' })).toBe(true);
    expect([JSON.parse(readFileSync(lockFile(dir), 'utf8')), existsSync(mutex)]).toEqual([{ pid: process.pid, role: 'command' }, false]);
  });

  it('never removes a lock it does not hold', () => {
    const dir = freshDir();
    const lock = takeLock(dir, { role: 'command' }) as Lock;
    const other = JSON.stringify({ pid: process.ppid, role: 'server' });
    writeFileSync(lockFile(dir), other);
    lock.release();
    expect(readFileSync(lockFile(dir), 'utf8')).toBe(other);
  });
});

describe('socketPlace', () => {
  it('puts the socket beside the data when the path fits, else in a folder of its own under the temporary directory', () => {
    const short = freshDir();
    expect(socketPlace(short).path).toBe(path.join(short, 'pglite.sock'));
    const long = path.join(short, 'd'.repeat(100));
    const place = socketPlace(long);
    expect(Buffer.byteLength(place.path)).toBeLessThanOrEqual(100);
    expect(place.path.startsWith(tmpdir())).toBe(true);
    place.remove();
    expect(existsSync(path.dirname(place.path))).toBe(false);
  });
});

describe('busyMessage', () => {
  it('names the holder and the way out', () => {
    const holder = { pid: 42, role: 'server' as const };
    expect(busyMessage('/data', holder, 'server')).toBe(
      'the embedded database in /data is in use by another portal (pid 42): stop it first, or set DATABASE_URL'
    );
    expect(busyMessage('/data', holder, 'command')).toBe(
      'cannot reach the embedded database in /data through the running portal (pid 42): stop the server, or set DATABASE_URL'
    );
  });
});
