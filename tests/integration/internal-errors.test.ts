import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOf, startApp, TEST_PASSWORD, type App } from './support/app.js';
import { driverName } from './support/database.js';
import { faucet, importMemberFaucets } from './support/members.js';

let app: App;

beforeAll(async () => {
  // The most talkative log level: nothing of a failed query may reach even that.
  app = await startApp({ logLevel: 'trace' });
  await importMemberFaucets(app.db);
  // A statement that fails the way no test input could otherwise make it: the account insert,
  // whose parameters hold the new password's argon2 hash.
  await app.db.execute(sql.raw(`alter table customers add constraint nickname_probe check (nickname <> 'こわれる')`));
});

afterAll(async () => {
  await app.close();
});

describe(`an unexpected error, on ${driverName}`, () => {
  it('answers a generic 500 with a request id in both languages, and logs the kind and the id, never the query', async () => {
    const client = app.client();
    const email = 'broken@example.jp';
    await client.api.auth.signup.requestCode.mutate({ email });
    const { ticket } = await client.api.auth.signup.verifyCode.mutate({ email, code: await app.codeFor(email) });
    await client.api.auth.signup.proveFaucet.mutate({ ticket, ...faucet(1), consent: true });
    const linesBefore = app.logLines.length;

    const outcome = await outcomeOf(client.api.auth.signup.complete.mutate({ ticket, nickname: 'こわれる', password: TEST_PASSWORD }));
    expect(outcome).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', status: 500 });
    const requestId = outcome.requestId!;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(outcome.reason!.ja).toContain(`受付番号 ${requestId}`);
    expect(outcome.reason!.en).toContain(`reference ${requestId}`);
    for (const leak of ['argon2', 'insert', 'customers', 'params', 'こわれる', email]) {
      expect(JSON.stringify(outcome)).not.toContain(leak);
    }

    const logged = app.logLines.slice(linesBefore).join('\n');
    const errorLine = app.logLines.slice(linesBefore).find((line) => line.includes(requestId));
    expect(JSON.parse(errorLine!)).toMatchObject({ level: 50, kind: 'DatabaseError', code: '23514', path: 'auth.signup.complete', requestId });
    for (const leak of ['argon2', 'insert into', 'params', 'こわれる', TEST_PASSWORD]) expect(logged).not.toContain(leak);
  });
});
