import { afterEach, describe, expect, it } from 'vitest';
import { hash } from '@node-rs/argon2';
import { argon2, hashPassword, passwordMatches } from './passwords.js';

const OLDER_RELEASE = { algorithm: 2, memoryCost: 65_536, timeCost: 8, parallelism: 1 } as const;
const PASSWORD = 'kawa-no-nagare-2026';

const settingOf = (stored: string) => /^\$argon2id\$v=19\$(m=\d+,t=\d+,p=\d+)\$/.exec(stored)?.[1];

/** The setting of every hash verified while `check` ran, in order. */
async function verificationsOf(check: () => Promise<boolean>): Promise<{ matches: boolean; settings: (string | undefined)[] }> {
  const settings: (string | undefined)[] = [];
  const real = argon2.verify;
  argon2.verify = (stored, password, ...rest) => (settings.push(settingOf(stored.toString())), real(stored, password, ...rest));
  try {
    return { matches: await check(), settings };
  } finally {
    argon2.verify = real;
  }
}

describe('passwordMatches', () => {
  const original = argon2.verify;
  afterEach(() => {
    argon2.verify = original;
  });

  it('spends the same argon2 work on every failure, whatever the setting of the account’s hash or whether there is one', async () => {
    const current = await hashPassword(PASSWORD);
    const older = await hash(PASSWORD, OLDER_RELEASE);
    const failures = {
      unknownAddress: await verificationsOf(() => passwordMatches(undefined, PASSWORD)),
      wrongOnCurrent: await verificationsOf(() => passwordMatches(current, 'not the password')),
      wrongOnOlder: await verificationsOf(() => passwordMatches(older, 'not the password'))
    };
    for (const failure of Object.values(failures)) {
      expect(failure.matches).toBe(false);
      expect([...failure.settings].sort()).toEqual(['m=47104,t=1,p=1', 'm=65536,t=8,p=1']);
    }
  }, 30_000);

  it('pays for the account’s own hash only when the password is right', async () => {
    const current = await hashPassword(PASSWORD);
    const older = await hash(PASSWORD, OLDER_RELEASE);
    expect(await verificationsOf(() => passwordMatches(current, PASSWORD))).toEqual({ matches: true, settings: ['m=47104,t=1,p=1'] });
    expect(await verificationsOf(() => passwordMatches(older, PASSWORD))).toEqual({ matches: true, settings: ['m=65536,t=8,p=1'] });
  }, 30_000);
});
