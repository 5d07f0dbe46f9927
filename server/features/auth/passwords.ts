import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { hash, verify } from '@node-rs/argon2';
import { lanes } from '../../domain/lanes.js';

/**
 * argon2id with OWASP's first listed setting (46 MiB, 1 pass): about 19 ms a check on this
 * 2-core machine. Every guess at a stolen hash still needs 46 MiB of memory, what slows a GPU;
 * the 64 MiB and 8 passes used before took 195 ms, so one app process could log in at most
 * five customers a second and a bill day's log-ins queued for tens of seconds
 * (bench: load_login_p99_ms).
 */
// 2 is Algorithm.Argon2id: the package's enum is a const enum, which isolated modules cannot read.
const options = { algorithm: 2, memoryCost: 47_104, timeCost: 1, parallelism: 1 } as const;
const currentSettings = `$argon2id$v=19$m=${options.memoryCost},t=${options.timeCost},p=${options.parallelism}$`;

/**
 * How many hashes run at once; the rest wait their turn. argon2 runs on libuv's thread pool
 * (4 threads by default), which gzip, the file system and DNS
 * share: a burst of log-ins that filled it made every gzipped answer wait behind all of them
 * (the bill-day bench: first pulls waited over 100 s). At most half the default pool, and one
 * core fewer than the machine has, so the event loop keeps a core for everyone else's requests.
 */
const HASHING_LANES = Math.max(1, Math.min(availableParallelism() - 1, 2));
const oneOfTheLanes = lanes(HASHING_LANES);

export function hashPassword(password: string): Promise<string> {
  return oneOfTheLanes(() => hash(password, options));
}

let decoy: Promise<string> | undefined;
const decoyHash = () => (decoy ??= hash('decoy password that matches nothing', options));

/**
 * The least time a failed check takes to answer, counted from its start. A hash stored under the
 * older setting takes ten times as long to check as the decoy (195 ms against 19 ms here), so
 * without a floor a wrong password would tell such an account from an unknown address. Waiting
 * costs no CPU, and only failures wait.
 */
export const FAILED_CHECK_FLOOR_MS = 400;

/**
 * Checks a password. With no stored hash (no such account) it still spends the same time on
 * a decoy, and every failure answers no sooner than the floor, so the answer's timing does not
 * tell whether the address has an account.
 */
export async function passwordMatches(storedHash: string | undefined, password: string): Promise<boolean> {
  const started = performance.now();
  const matches = await oneOfTheLanes(async () => verify(storedHash ?? (await decoyHash()), password));
  if (storedHash === undefined || !matches) {
    await setTimeout(Math.max(0, started + FAILED_CHECK_FLOOR_MS - performance.now()));
    return false;
  }
  return true;
}

/**
 * The password hashed again under the current settings when the stored hash was made under
 * others (an older release's), else null: called with a password just proven, so stored hashes
 * follow the settings at each log-in, without a reset.
 */
export async function rehashedIfOutdated(storedHash: string, password: string): Promise<string | null> {
  return storedHash.startsWith(currentSettings) ? null : hashPassword(password);
}
