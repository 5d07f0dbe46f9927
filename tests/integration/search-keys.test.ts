import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HIRAGANA, KANJI_VARIANTS, KATAKANA, searchKey } from '../../src/lib/shared/kana.js';
import { contracts, customers, faucets } from '../../server/db/schema.js';
import { driverName, useMigratedDatabase } from './support/database.js';

/**
 * The staff search compares the key it builds from the query in JS (src/lib/shared/kana.ts)
 * with the keys PostgreSQL keeps in generated columns (server/db/schema.ts): the two must agree
 * on every name, or a customer typed one way is not found. FUZZ_RUNS and FUZZ_SEED as in
 * import-fuzz.
 */
const runs = Number(process.env.FUZZ_RUNS ?? 100);
const seed = Number(process.env.FUZZ_SEED ?? 20261207);

const chars = (text: string) => [...text];
const span = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, index) => String.fromCodePoint(from + index));
/** What a name is typed with: kana of either kind and width (half-width with its sound marks), letters and digits of either width, variant kanji, and spaces. */
const nameChar = fc.oneof(
  fc.constantFrom(...chars(HIRAGANA)),
  fc.constantFrom(...chars(KATAKANA)),
  // Half-width katakana ｦ … ﾟ, the voiced and semi-voiced marks included.
  fc.constantFrom(...span(0xff66, 0xff9f)),
  fc.constantFrom(...span(0x30, 0x39), ...span(0x41, 0x5a), ...span(0x61, 0x7a)),
  fc.constantFrom(...span(0xff10, 0xff19), ...span(0xff21, 0xff3a), ...span(0xff41, 0xff5a)),
  fc.constantFrom(' ', '\u3000', '\t', '\u00a0', '\u2002', '長', '名寄'),
  fc.constantFrom(...chars(KANJI_VARIANTS))
);
const name = fc.array(nameChar, { maxLength: 20 }).map((parts) => parts.join(''));

describe(`search keys on ${driverName}`, () => {
  const database = useMigratedDatabase();

  it(`are the same in JS and in SQL for a nickname, and for a holder's name and reading (${runs} cases, seed ${seed})`, async () => {
    const { db } = database;
    const [customer] = await db.insert(customers).values({ email: 'key@example.jp', nickname: 'x', passwordHash: 'x', createdAt: new Date() }).returning({ id: customers.id });
    const [faucet] = await db.insert(faucets).values({ faucetNo: '10000001' }).returning({ id: faucets.id });
    const [contract] = await db
      .insert(contracts)
      .values({ faucetId: faucet!.id, holderName: 'x', contractStart: '2000-01-01', paymentMethod: 'transfer' })
      .returning({ id: contracts.id });
    await fc.assert(
      fc.asyncProperty(name, name, name, async (nickname, holderName, holderKana) => {
        const [stored] = await db.update(customers).set({ nickname }).where(eq(customers.id, customer!.id)).returning({ key: customers.searchKey });
        expect(stored!.key).toBe(searchKey(nickname));
        const [held] = await db.update(contracts).set({ holderName, holderKana }).where(eq(contracts.id, contract!.id)).returning({ key: contracts.searchKey });
        expect(held!.key).toBe(`${searchKey(holderName)} ${searchKey(holderKana)}`);
      }),
      { numRuns: runs, seed }
    );
  });
});
