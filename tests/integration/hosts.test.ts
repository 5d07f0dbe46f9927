import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows, type Database } from '../../server/db/client.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { failureOf, TEST_PASSWORD, type Client } from './support/app.js';
import { driverName } from './support/database.js';
import { startUtilities, type HostedUtility, type Utilities } from './support/utilities.js';

const EMAIL = 'same.person@example.jp';

/** A faucet and its running contract (the phone stored as imports store it: digits), written through the utility's share: the rows are that utility's. */
async function faucetWithContract(db: Database, faucetNo: string, phone: string): Promise<void> {
  await db.execute(sql`insert into faucets (faucet_no) values (${faucetNo})`);
  await db.execute(sql`insert into contracts (faucet_id, holder_name, phone, contract_start, payment_method)
    select id, '南 花子', ${phone.replaceAll('-', '')}, '2021-04-01', 'transfer' from faucets where faucet_no = ${faucetNo}`);
}

describe(`one deployment, two utilities on their hosts, on ${driverName}`, () => {
  let deployment: Utilities;
  let nayoro: HostedUtility;
  let minami: HostedUtility;

  beforeAll(async () => {
    deployment = await startUtilities();
    [nayoro, minami] = deployment.utilities as [HostedUtility, HostedUtility];
    await faucetWithContract(nayoro.db, '10000001', '01654-2-0001');
    await faucetWithContract(minami.db, '20000002', '0123-45-0002');
  });

  afterAll(async () => {
    await deployment.close();
  });

  it("answers each host with its utility's profile, and an unknown host with a bare 404", async () => {
    expect((await nayoro.client().api.utility.profile.query()).name.ja).toBe('名寄市上下水道室');
    expect((await minami.client().api.utility.profile.query()).name.ja).toBe('南町上下水道課');
    // Written as a browser may: capitals, a trailing dot.
    expect((await (await deployment.raw(`MINAMI.localhost.:${deployment.port}`, '/manifest.webmanifest')).json()).name).toMatch(/南町/);
    for (const host of ['kita.localhost', '127.0.0.1', `evil.example@minami.localhost:${deployment.port}`, '']) {
      const answer = await deployment.raw(host, '/api/trpc/utility.profile');
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe('');
    }
    // The health check says whether the database answers, on any host: probes call by address.
    expect(await (await deployment.raw('127.0.0.1', '/healthz')).json()).toEqual({ ok: true });
  });

  it('lets one e-mail hold unrelated accounts at both utilities, each seeing only its own faucet', async () => {
    const signUpAt = async (utility: HostedUtility, nickname: string, proof: { faucetNo: string; phone: string }) => {
      const browser = utility.client();
      await browser.api.auth.signup.requestCode.mutate({ email: EMAIL });
      const { ticket } = await browser.api.auth.signup.verifyCode.mutate({ email: EMAIL, code: await utility.codeFor(EMAIL) });
      await browser.api.auth.signup.proveFaucet.mutate({ ticket, ...proof, consent: true });
      await browser.api.auth.signup.complete.mutate({ ticket, nickname, password: TEST_PASSWORD });
      return browser;
    };
    const atNayoro = await signUpAt(nayoro, 'なよろ', { faucetNo: '10000001', phone: '01654-2-0001' });
    const atMinami = await signUpAt(minami, 'みなみ', { faucetNo: '20000002', phone: '0123-45-0002' });

    const pull = (browser: Client) => browser.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] });
    expect((await pull(atNayoro)).faucets?.map((faucet) => faucet.faucetNo)).toEqual(['10000001']);
    expect((await pull(atMinami)).faucets?.map((faucet) => faucet.faucetNo)).toEqual(['20000002']);
    expect(await atNayoro.api.auth.me.query()).toMatchObject({ email: EMAIL, nickname: 'なよろ' });
    expect(await atMinami.api.auth.me.query()).toMatchObject({ email: EMAIL, nickname: 'みなみ' });

    // Nayoro's session cookie carried to Minami's host proves nothing there.
    const carried = minami.client();
    for (const [name, value] of atNayoro.cookies) carried.cookies.set(name, value);
    expect(await carried.api.auth.me.query()).toBeNull();
    expect((await failureOf(pull(carried))).code).toBe('UNAUTHORIZED');
    // Two accounts, each its utility's.
    expect(await selectRows(deployment.ownerDb, sql`select utility_id, nickname from customers where email = ${EMAIL} order by utility_id`)).toEqual([
      { utility_id: 'minami-test', nickname: 'みなみ' },
      { utility_id: 'nayoro-demo', nickname: 'なよろ' }
    ]);
  });

  it("answers another utility's faucet as a faucet that does not exist", async () => {
    const browser = nayoro.client();
    await browser.api.auth.signup.requestCode.mutate({ email: 'someone@example.jp' });
    const { ticket } = await browser.api.auth.signup.verifyCode.mutate({ email: 'someone@example.jp', code: await nayoro.codeFor('someone@example.jp') });
    const foreign = await failureOf(browser.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '20000002', phone: '0123-45-0002', consent: true }));
    const unknown = await failureOf(browser.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '29999999', phone: '0123-45-0002', consent: true }));
    expect(foreign.code).toBe(unknown.code);
    expect(foreign.reason).toEqual(unknown.reason);
  });
});
