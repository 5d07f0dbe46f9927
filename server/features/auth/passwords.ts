import { hash, verify } from '@node-rs/argon2';

/**
 * argon2id, 64 MiB and 8 passes: about 110 ms a check on this 2-core machine, a deliberate
 * cost that makes every guess at a stolen hash as slow (bench: login_p50_ms, aim 50–250 ms).
 */
// 2 is Algorithm.Argon2id: the package's enum is a const enum, which isolated modules cannot read.
const options = { algorithm: 2, memoryCost: 65_536, timeCost: 8, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

let decoy: Promise<string> | undefined;

/**
 * Checks a password. With no stored hash (no such account) it still spends the same time on
 * a decoy, so the answer's timing does not tell whether the address has an account.
 */
export async function passwordMatches(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    decoy ??= hashPassword('decoy password that matches nothing');
    await verify(await decoy, password);
    return false;
  }
  return verify(storedHash, password);
}
