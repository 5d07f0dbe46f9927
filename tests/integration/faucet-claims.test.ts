import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contracts, customers, faucetLinks, faucets } from '../../server/db/schema.js';
import { outcomeOf, signUp, startApp, TEST_PASSWORD, type App, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { companyFaucet, faucet, importMemberFaucets } from './support/members.js';

/**
 * Many accounts claiming one contract at the same moment, against the real server: one link,
 * the others the usual 409, never the unique index's 500.
 */
let app: App;
let emails = 0;
const newEmail = () => `claims${(emails += 1)}@example.jp`;

beforeAll(async () => {
  app = await startApp({ logLevel: 'warn' });
  await importMemberFaucets(app.db);
});

afterAll(async () => {
  await app.close();
});

const ROUNDS = 8;
const together = (calls: (() => Promise<unknown>)[]) => Promise.all(calls.map((call) => outcomeOf(call())));
const codesOf = (outcomes: { code?: string }[]) =>
  outcomes.reduce<Record<string, number>>((tally, { code = '?' }) => ({ ...tally, [code]: (tally[code] ?? 0) + 1 }), {});

async function linksOf(faucetNo: string): Promise<number> {
  const [row] = await app.db
    .select({ count: count() })
    .from(faucetLinks)
    .innerJoin(contracts, eq(contracts.id, faucetLinks.contractId))
    .innerJoin(faucets, eq(faucets.id, contracts.faucetId))
    .where(eq(faucets.faucetNo, faucetNo));
  return row!.count;
}

const onAnotherAccount = { ja: expect.stringContaining('この水栓は別のアカウントで登録されています') };

describe(`many accounts claiming one contract at once, on ${driverName}`, () => {
  it(`six signed-in accounts adding the same faucet with the right phone: one link, five 409s, no 500 (${ROUNDS} faucets in turn)`, async () => {
    const accounts: Client[] = [];
    for (let index = 0; index < 6; index += 1) {
      const client = app.client();
      await signUp(app, client, newEmail(), faucet(index));
      accounts.push(client);
    }
    // The race is a matter of timing: one round may happen to come out right on old code, several in turn do not.
    for (let round = 0; round < ROUNDS; round += 1) {
      const claimed = companyFaucet(round);
      const outcomes = await together(accounts.map((client) => () => client.api.faucets.add.mutate({ ...claimed, label: null, consent: true })));
      expect(codesOf(outcomes), `round ${round}`).toEqual({ OK: 1, CONFLICT: 5 });
      for (const outcome of outcomes.filter((outcome) => outcome.code === 'CONFLICT')) {
        expect(outcome).toMatchObject({ status: 409, field: 'faucetNo', reason: onAnotherAccount });
      }
      expect(await linksOf(claimed.faucetNo)).toBe(1);
    }
  });

  it(`six sign-ups completing with the same proven faucet: one account with the link, five 409s and no account, no 500 (${ROUNDS} faucets in turn)`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) await claimBySignUp(faucet(10 + round));
  });
});

/** Six sign-ups proving one faucet, then completing at the same moment. */
async function claimBySignUp(claimed: { faucetNo: string; phone: string }) {
  // Each round asks for six codes from one client: the earlier rounds' must not fill its hourly limit.
  await app.letTimePass(3600);
  const tickets = [];
  for (let index = 0; index < 6; index += 1) {
    const client = app.client();
    const email = newEmail();
    await client.api.auth.signup.requestCode.mutate({ email });
    const { ticket } = await client.api.auth.signup.verifyCode.mutate({ email, code: await app.codeFor(email) });
    await client.api.auth.signup.proveFaucet.mutate({ ticket, ...claimed, consent: true });
    tickets.push({ client, email, ticket });
  }
  const outcomes = await together(tickets.map(({ client, ticket }) => () => client.api.auth.signup.complete.mutate({ ticket, nickname: 'なよろ', password: TEST_PASSWORD })));
  expect(codesOf(outcomes)).toEqual({ OK: 1, CONFLICT: 5 });
  for (const outcome of outcomes.filter((outcome) => outcome.code === 'CONFLICT')) {
    expect(outcome).toMatchObject({ status: 409, field: 'faucetNo', reason: onAnotherAccount });
  }
  expect(await linksOf(claimed.faucetNo)).toBe(1);
  const made = await Promise.all(tickets.map(({ email }) => app.db.select({ id: customers.id }).from(customers).where(eq(customers.email, email))));
  expect(made.filter((rows) => rows.length === 1)).toHaveLength(1);
}
