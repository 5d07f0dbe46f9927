import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { loadConfig, type Config, type UtilityProfile } from '../../../server/config.js';
import type { Database, StatementObserver } from '../../../server/db/client.js';
import { createHttpServer } from '../../../server/http.js';
import { createLogger } from '../../../server/log/logger.js';
import { createMailer } from '../../../server/mail/transport.js';
import { codeIn, createClient, loopbackFetch, mailInOutbox, type Client } from './app.js';
import { closeServer } from './close-server.js';
import { createMigratedTestDatabase, type TestDatabase } from './database.js';
import { freshDataDir } from './server-process.js';

const base = loadConfig({ ORIGIN: 'http://localhost:3000' });

/** The demo utility on `localhost`, and a second one on `minami.localhost` (a browser resolves *.localhost to loopback). */
export const twoTestProfiles: UtilityProfile[] = [
  { ...base.profile, hosts: ['localhost'] },
  { ...base.profile, id: 'minami-test', name: { ja: '南町上下水道課', en: 'Minami Town Water' }, hosts: ['minami.localhost'] }
];

/** One utility of a deployment of several, as a test reaches it: at its host, through its share of the database. */
export interface HostedUtility {
  profile: UtilityProfile;
  config: Config;
  host: string;
  /** The origin its pages are served from, which its mutations must carry. */
  origin: string;
  /** Its share of the database: as portal_app, held to its rows. What it writes is stamped with its id. */
  db: Database;
  outbox: string;
  /** A browser stand-in at its host. */
  client(): Client;
  /** The code of the count-th mail to `address` in its outbox. */
  codeFor(address: string, count?: number): Promise<string>;
  /** Resolves once every mail under way is in its outbox or failed. */
  mailsSent(): Promise<void>;
}

/**
 * One real HTTP server on one database serving several utilities, each on its host, each querying
 * its own share as the portal does; requests go to 127.0.0.1 with the utility's Host header.
 * observe sees every statement the shares send.
 */
export async function startUtilities(profiles: UtilityProfile[] = twoTestProfiles, observe?: StatementObserver) {
  const database: TestDatabase = await createMigratedTestDatabase(observe);
  const logger = createLogger('silent');
  const served = await Promise.all(
    profiles.map(async (profile) => {
      const host = profile.hosts![0]!;
      const config = { ...base, dataDir: freshDataDir(), profile, origin: `http://${host}:3000` };
      return { profile, config, host, share: await database.handle.forUtility(profile.id), mailer: createMailer(config, logger) };
    })
  );
  const server: Server = createHttpServer(
    served.map(({ host, config, share, mailer }) => ({ host, services: { config, database: share, logger, mailer }, clientDir: '/nonexistent' }))
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  const utilities: HostedUtility[] = served.map(({ profile, config, host, share, mailer }) => {
    const outbox = path.join(config.dataDir, 'mail');
    return {
      profile,
      config,
      host,
      origin: config.origin,
      db: share.db,
      outbox,
      client: () => createClient(`http://${host}:${port}`, config.origin, loopbackFetch),
      codeFor: async (address, count = 1) => codeIn(await mailInOutbox(outbox, address, count)),
      mailsSent: () => mailer.idle()
    };
  });

  return {
    utilities,
    port,
    /** The database as its owner sees it: every utility's rows, past the policies. */
    ownerDb: database.handle.db,
    /** A GET to the server with any Host header, such as one no utility answers. */
    raw: (host: string, pathname: string, headers: Record<string, string> = {}) => loopbackFetch(`http://127.0.0.1:${port}${pathname}`, { headers: { ...headers, host } }),
    async close() {
      await closeServer(server);
      // Mails still on their way must not land in a dropped database's outbox.
      for (const { mailer } of served) await mailer.idle();
      for (const { share } of served) await share.close();
      await database.dispose();
    }
  };
}

export type Utilities = Awaited<ReturnType<typeof startUtilities>>;
