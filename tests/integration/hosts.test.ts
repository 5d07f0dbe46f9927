import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config, type UtilityProfile } from '../../server/config.js';
import { selectRows, type Database, type DatabaseHandle } from '../../server/db/client.js';
import { createHttpServer } from '../../server/http.js';
import { createLogger } from '../../server/log/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { codeIn, createClient, failureOf, loopbackFetch, mailInOutbox, TEST_PASSWORD, type Client } from './support/app.js';
import { closeServer } from './support/close-server.js';
import { createMigratedTestDatabase, driverName, type TestDatabase } from './support/database.js';
import { freshDataDir } from './support/server-process.js';

const base = loadConfig({ ORIGIN: 'http://localhost:3000' });
const nayoro: UtilityProfile = { ...base.profile, hosts: ['localhost'] };
const minami: UtilityProfile = { ...base.profile, id: 'minami-test', name: { ja: '南町上下水道課', en: 'Minami Town Water' }, hosts: ['minami.localhost'] };
const EMAIL = 'same.person@example.jp';

/** A faucet and its running contract (the phone stored as imports store it: digits), written through the utility's share: the rows are that utility's. */
async function faucetWithContract(db: Database, faucetNo: string, phone: string): Promise<void> {
  await db.execute(sql`insert into faucets (faucet_no) values (${faucetNo})`);
  await db.execute(sql`insert into contracts (faucet_id, holder_name, phone, contract_start, payment_method)
    select id, '南 花子', ${phone.replaceAll('-', '')}, '2021-04-01', 'transfer' from faucets where faucet_no = ${faucetNo}`);
}

describe(`one deployment, two utilities on their hosts, on ${driverName}`, () => {
  let database: TestDatabase;
  const utilities: { profile: UtilityProfile; config: Config; share: DatabaseHandle; outbox: string }[] = [];
  let server: Server;
  let port: number;

  const client = (host: string) => createClient(`http://${host}:${port}`, `http://${host}:3000`, loopbackFetch);
  const raw = (host: string, pathname: string) => loopbackFetch(`http://127.0.0.1:${port}${pathname}`, { headers: { host } });

  beforeAll(async () => {
    database = await createMigratedTestDatabase();
    const logger = createLogger('silent');
    for (const profile of [nayoro, minami]) {
      const dataDir = freshDataDir();
      const config = { ...base, dataDir, profile, origin: `http://${profile.hosts![0]}:3000` };
      const share = await database.handle.forUtility(profile.id);
      utilities.push({ profile, config, share, outbox: path.join(dataDir, 'mail') });
    }
    await faucetWithContract(utilities[0]!.share.db, '10000001', '01654-2-0001');
    await faucetWithContract(utilities[1]!.share.db, '20000002', '0123-45-0002');
    server = createHttpServer(
      utilities.map(({ profile, config, share }) => ({
        host: profile.hosts![0],
        services: { config, database: share, logger, mailer: createMailer(config, logger) },
        clientDir: '/nonexistent'
      }))
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await closeServer(server);
    for (const { share } of utilities) await share.close();
    await database.dispose();
  });

  it("answers each host with its utility's profile, and an unknown host with a bare 404", async () => {
    expect((await client('localhost').api.utility.profile.query()).name.ja).toBe('名寄市上下水道室');
    expect((await client('minami.localhost').api.utility.profile.query()).name.ja).toBe('南町上下水道課');
    // Written as a browser may: capitals, a trailing dot.
    expect((await (await raw(`MINAMI.localhost.:${port}`, '/manifest.webmanifest')).json()).name).toMatch(/南町/);
    for (const host of ['kita.localhost', '127.0.0.1', `evil.example@minami.localhost:${port}`, '']) {
      const answer = await raw(host, '/api/trpc/utility.profile');
      expect(answer.status).toBe(404);
      expect(await answer.text()).toBe('');
    }
    // The health check says whether the database answers, on any host: probes call by address.
    expect(await (await raw('127.0.0.1', '/healthz')).json()).toEqual({ ok: true });
  });

  it('lets one e-mail hold unrelated accounts at both utilities, each seeing only its own faucet', async () => {
    const signUp = async (utility: number, browser: Client, proof: { faucetNo: string; phone: string }) => {
      await browser.api.auth.signup.requestCode.mutate({ email: EMAIL });
      const code = codeIn(await mailInOutbox(utilities[utility]!.outbox, EMAIL));
      const { ticket } = await browser.api.auth.signup.verifyCode.mutate({ email: EMAIL, code });
      await browser.api.auth.signup.proveFaucet.mutate({ ticket, ...proof, consent: true });
      await browser.api.auth.signup.complete.mutate({ ticket, nickname: utility === 0 ? 'なよろ' : 'みなみ', password: TEST_PASSWORD });
    };
    const atNayoro = client('localhost');
    const atMinami = client('minami.localhost');
    await signUp(0, atNayoro, { faucetNo: '10000001', phone: '01654-2-0001' });
    await signUp(1, atMinami, { faucetNo: '20000002', phone: '0123-45-0002' });

    const pull = (browser: Client) => browser.api.sync.pull.query({ format: SYNC_FORMAT, cursor: null, knownLinks: [] });
    expect((await pull(atNayoro)).faucets?.map((faucet) => faucet.faucetNo)).toEqual(['10000001']);
    expect((await pull(atMinami)).faucets?.map((faucet) => faucet.faucetNo)).toEqual(['20000002']);
    expect(await atNayoro.api.auth.me.query()).toMatchObject({ email: EMAIL, nickname: 'なよろ' });
    expect(await atMinami.api.auth.me.query()).toMatchObject({ email: EMAIL, nickname: 'みなみ' });

    // Nayoro's session cookie carried to Minami's host proves nothing there.
    const carried = client('minami.localhost');
    for (const [name, value] of atNayoro.cookies) carried.cookies.set(name, value);
    expect(await carried.api.auth.me.query()).toBeNull();
    expect((await failureOf(pull(carried))).code).toBe('UNAUTHORIZED');
    // Two accounts, each its utility's.
    expect(await selectRows(database.handle.db, sql`select utility_id, nickname from customers where email = ${EMAIL} order by utility_id`)).toEqual([
      { utility_id: 'minami-test', nickname: 'みなみ' },
      { utility_id: 'nayoro-demo', nickname: 'なよろ' }
    ]);
  });

  it("answers another utility's faucet as a faucet that does not exist", async () => {
    const browser = client('localhost');
    await browser.api.auth.signup.requestCode.mutate({ email: 'someone@example.jp' });
    const code = codeIn(await mailInOutbox(utilities[0]!.outbox, 'someone@example.jp'));
    const { ticket } = await browser.api.auth.signup.verifyCode.mutate({ email: 'someone@example.jp', code });
    const foreign = await failureOf(browser.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '20000002', phone: '0123-45-0002', consent: true }));
    const unknown = await failureOf(browser.api.auth.signup.proveFaucet.mutate({ ticket, faucetNo: '29999999', phone: '0123-45-0002', consent: true }));
    expect(foreign.code).toBe(unknown.code);
    expect(foreign.reason).toEqual(unknown.reason);
  });
});
