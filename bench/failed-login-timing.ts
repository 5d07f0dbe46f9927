import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { hash } from '@node-rs/argon2';
import { sql } from 'drizzle-orm';
import { customers } from '../server/db/schema.js';
import { OLDER_RELEASE_SETTINGS, outcomeOf, startApp } from '../tests/integration/support/app.js';
import { progress, round, type Figure } from './results.js';

const ROUNDS = 30;
const PASSWORD = 'kawa-no-nagare-2026';
const OLD_HASH_EMAIL = 'older-setting@example.jp';

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function normalUpperTail(z: number): number {
  // Abramowitz and Stegun 26.2.17: within 7.5e-8 of the normal distribution.
  const t = 1 / (1 + 0.2316419 * Math.abs(z));
  const density = Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI);
  const tail = density * t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return z >= 0 ? tail : 1 - tail;
}

/** Mann–Whitney U, two-sided p by the normal approximation with the tie correction (n = 30 each is well within it). */
export function mannWhitneyP(a: number[], b: number[]): number {
  const all = [...a.map((value) => ({ value, fromA: true })), ...b.map((value) => ({ value, fromA: false }))].sort((x, y) => x.value - y.value);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let start = 0; start < all.length; ) {
    let end = start;
    while (end + 1 < all.length && all[end + 1]!.value === all[start]!.value) end += 1;
    for (let index = start; index <= end; index += 1) ranks[index] = (start + end) / 2 + 1;
    const tied = end - start + 1;
    tieTerm += tied ** 3 - tied;
    start = end + 1;
  }
  const rankSumA = all.reduce((sum, entry, index) => (entry.fromA ? sum + ranks[index]! : sum), 0);
  const n1 = a.length;
  const n2 = b.length;
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (Math.abs(u - (n1 * n2) / 2) - 0.5) / sigma;
  return Math.min(1, 2 * normalUpperTail(z));
}

/** One process per core spinning, as a busy machine would be. */
function cpuHogs(): ChildProcess[] {
  return Array.from({ length: availableParallelism() }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
}

/**
 * Failed log-ins with the CPU busy: an account whose hash is in the older argon2 setting against
 * an address with no account, taken in turns. Their times must not tell them apart: Mann–Whitney
 * p above 0.05, and the medians side by side.
 */
export async function benchFailedLoginTiming(): Promise<Record<string, Figure>> {
  const app = await startApp({ logLevel: 'info' });
  const hogs: ChildProcess[] = [];
  try {
    await app.db.insert(customers).values({ email: OLD_HASH_EMAIL, nickname: 'older', passwordHash: await hash(PASSWORD, OLDER_RELEASE_SETTINGS), createdAt: new Date() });
    const client = app.client();
    const failedLogIn = async (email: string) => {
      // The limits would pause these log-ins long before 60: they are not what is measured.
      await app.db.execute(sql`delete from rate_events`);
      const started = performance.now();
      const outcome = await outcomeOf(client.api.auth.login.mutate({ email, password: 'not the password' }));
      if (outcome.code !== 'UNAUTHORIZED') throw new Error(`a failed log-in answered ${outcome.code}`);
      return performance.now() - started;
    };
    await failedLogIn('warm-up@example.jp');
    await failedLogIn(OLD_HASH_EMAIL);
    hogs.push(...cpuHogs());
    progress(`${ROUNDS} failed log-ins of each kind with ${hogs.length} CPU hogs running`);
    const olderSetting: number[] = [];
    const unknownAddress: number[] = [];
    for (let index = 0; index < ROUNDS; index += 1) {
      olderSetting.push(await failedLogIn(OLD_HASH_EMAIL));
      unknownAddress.push(await failedLogIn(`nobody-${index}@example.jp`));
    }
    return {
      failed_login_timing_p: { value: round(mannWhitneyP(olderSetting, unknownAddress), 3), unit: 'p (Mann–Whitney, two-sided)', n: ROUNDS },
      failed_login_older_hash_p50_ms: { value: round(median(olderSetting)), unit: 'ms', n: ROUNDS },
      failed_login_unknown_address_p50_ms: { value: round(median(unknownAddress)), unit: 'ms', n: ROUNDS }
    };
  } finally {
    for (const hog of hogs) hog.kill();
    await app.close();
  }
}
