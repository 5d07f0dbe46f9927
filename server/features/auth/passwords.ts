import { availableParallelism } from 'node:os';
import { setTimeout } from 'node:timers/promises';
import { hash, verify } from '@node-rs/argon2';
import { lanes } from '../../limits/lanes.js';

/**
 * argon2id with OWASP's first listed setting (46 MiB, 1 pass): about 19 ms a check on this
 * 2-core machine. Every guess at a stolen hash still needs 46 MiB of memory, what slows a GPU;
 * the 64 MiB and 8 passes used before took 195 ms, so one app process could log in at most
 * five customers a second and a bill day's log-ins queued for tens of seconds
 * (bench: load_login_p99_ms).
 */
// 2 is Algorithm.Argon2id: the package's enum is a const enum, which isolated modules cannot read.
const options = { algorithm: 2, memoryCost: 47_104, timeCost: 1, parallelism: 1 } as const;

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

/** The settings a release of the portal has stored hashes under: the current one, and the 64 MiB, 8 passes before it (~195 ms a check). */
type Settings = { readonly memoryCost: number; readonly timeCost: number; readonly parallelism: number };
const everySetting: readonly Settings[] = [options, { memoryCost: 65_536, timeCost: 8, parallelism: 1 }];
const prefixOf = (settings: Settings) => `$argon2id$v=19$m=${settings.memoryCost},t=${settings.timeCost},p=${settings.parallelism}$`;

/**
 * argon2's verify, reached through here so a test can count every verification and the setting
 * of the hash it ran on (passwords.test.ts): that a failure costs the same whatever the account
 * is shown by the work done, not by a clock.
 */
export const argon2 = { verify };

const decoys = new Map<string, Promise<string>>();
const decoyHash = (settings: Settings) => {
  const prefix = prefixOf(settings);
  let decoy = decoys.get(prefix);
  if (!decoy) decoys.set(prefix, (decoy = hash('decoy password that matches nothing', { ...options, ...settings })));
  return decoy;
};

const checked = (storedHash: string, password: string) => oneOfTheLanes(() => argon2.verify(storedHash, password));

/**
 * The least time a failed check takes to answer, counted from its start: the waiting costs no
 * CPU, and only failures wait.
 */
export const FAILED_CHECK_FLOOR_MS = 400;

/**
 * Checks a password. A failure (no such account, or a wrong password) answers no sooner than
 * the floor and, before that, does the work of one check in every setting a stored hash may be
 * in: a decoy stands for each setting the stored hash (if any) is not in. The floor alone hid
 * the older setting's ten times longer check only on an idle machine: with the CPU busy, the
 * older setting's failures overran it (14 of 27 over 500 ms against 2 of 27 for an unknown
 * address), so the answer's timing told such an account from an unknown address. A success
 * pays for its own hash only.
 */
export async function passwordMatches(storedHash: string | undefined, password: string): Promise<boolean> {
  const started = performance.now();
  if (storedHash !== undefined && (await checked(storedHash, password))) return true;
  for (const settings of everySetting) {
    if (storedHash === undefined || !storedHash.startsWith(prefixOf(settings))) await checked(await decoyHash(settings), password);
  }
  await setTimeout(Math.max(0, started + FAILED_CHECK_FLOOR_MS - performance.now()));
  return false;
}

/**
 * The password hashed again under the current settings when the stored hash was made under
 * others (an older release's), else null: called with a password just proven, so stored hashes
 * follow the settings at each log-in, without a reset.
 */
export async function rehashedIfOutdated(storedHash: string, password: string): Promise<string | null> {
  return storedHash.startsWith(prefixOf(options)) ? null : hashPassword(password);
}
