import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../../server/db/client.js';
import { outboxMails, outcomeOf } from './support/app.js';
import { driverName } from './support/database.js';
import { startUtilities, type Utilities } from './support/utilities.js';

/**
 * A limit is one utility's: the same e-mail at two utilities is two mailboxes' worth of limits,
 * and requests sent at the same moment to both are counted per utility, each in one step (the
 * lock's key carries the utility, server/limits/rate-limits.ts). Shared, the second utility's
 * customer would be refused for the first's traffic; not held per utility at all, the resend
 * cool-down would let more than one code through at either.
 */
let deployment: Utilities;

beforeAll(async () => {
  deployment = await startUtilities();
});

afterAll(async () => {
  await deployment?.close();
});

describe(`limits of two utilities under requests sent at the same moment, on ${driverName}`, () => {
  it('of 20 sign-up code requests for one e-mail at each utility at once, each utility sends exactly one code and records one slot', async () => {
    const email = 'both-towns@example.jp';
    const [first, second] = deployment.utilities;
    const outcomes = await Promise.all(
      [first!, second!].flatMap((utility) => {
        const client = utility.client();
        return Array.from({ length: 20 }, () => outcomeOf(client.api.auth.signup.requestCode.mutate({ email })).then((outcome) => ({ utility: utility.profile.id, code: outcome.code })));
      })
    );
    const tally = (utility: string) => outcomes.filter((outcome) => outcome.utility === utility).map((outcome) => outcome.code ?? '?').sort();
    for (const utility of [first!, second!]) {
      expect(tally(utility.profile.id)).toEqual(['OK', ...Array<string>(19).fill('TOO_MANY_REQUESTS')]);
      await utility.mailsSent();
      expect((await outboxMails(utility.outbox)).filter((mail) => mail.to === email)).toHaveLength(1);
    }
    const slots = await selectRows<{ utility_id: string; count: number }>(
      deployment.ownerDb,
      sql`select utility_id, count(*)::int as count from rate_events where bucket = ${`code:signup:${email}`} group by utility_id order by utility_id`
    );
    expect(slots).toEqual(
      [first!, second!].map((utility) => ({ utility_id: utility.profile.id, count: 1 })).sort((a, b) => a.utility_id.localeCompare(b.utility_id))
    );
  });
});
