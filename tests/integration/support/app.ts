import { readdirSync, readFileSync } from 'node:fs';
import type { lookup } from 'node:dns';
import http, { type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { sql } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../../server/config.js';
import { createHttpServer } from '../../../server/http.js';
import { createLogger } from '../../../server/log/logger.js';
import { createMailer } from '../../../server/mail/transport.js';
import type { AppRouter } from '../../../server/router.js';
import type { ServiceDeps } from '../../../server/service-deps.js';
import type { Services } from '../../../server/trpc.js';
import { createMigratedTestDatabase, type TestDatabase } from './database.js';
import { freshDataDir } from './server-process.js';
import { closeServer } from './close-server.js';

export interface ReceivedMail {
  to: string;
  subject: string;
  text: string;
  file: string;
}

/** Every mail in a data folder's .eml outbox (server/mail/transport.ts), oldest first. */
export async function outboxMails(outbox: string): Promise<ReceivedMail[]> {
  let files: string[] = [];
  try {
    files = readdirSync(outbox).filter((file) => file.endsWith('.eml')).sort();
  } catch {
    return [];
  }
  return Promise.all(
    files.map(async (file) => {
      const parsed = await simpleParser(readFileSync(path.join(outbox, file)));
      const to = Array.isArray(parsed.to) ? parsed.to[0]!.text : (parsed.to?.text ?? '');
      return { to, subject: parsed.subject ?? '', text: parsed.text ?? '', file };
    })
  );
}

/** Waits for the count-th mail to an address (mail goes out after the answer). */
export async function mailInOutbox(outbox: string, address: string, count = 1): Promise<ReceivedMail> {
  for (let tries = 0; tries < 100; tries += 1) {
    const received = (await outboxMails(outbox)).filter((mail) => mail.to === address);
    if (received.length >= count) return received[count - 1]!;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no mail number ${count} to ${address}`);
}

/** The 6-digit code a mail carries. */
export function codeIn(mail: ReceivedMail): string {
  const match = /\b(\d{6})\b/.exec(mail.text);
  if (!match) throw new Error(`no code in the mail to ${mail.to}`);
  return match[1]!;
}

/** The real HTTP server on a real database, mailing into an .eml outbox the test reads. */
export async function startApp(options: { logLevel?: string } = {}) {
  const testDb: TestDatabase = await createMigratedTestDatabase();
  const dataDir = freshDataDir();
  const logLines: string[] = [];
  // Everything the server logs, by default at the most talkative level, for the tests that look for secrets in it.
  const logger = createLogger(options.logLevel ?? 'trace', { write: (line: string) => void logLines.push(line) });
  const config = { ...loadConfig({ DATA_DIR: dataDir }), origin: 'http://localhost:3000' };
  const mailer = createMailer(config, logger);
  // The server queries as the portal does: the utility's share of the database, held to row-level security.
  const served = await testDb.handle.forUtility(config.profile.id);
  const services: Services = { config, database: served, logger, mailer };
  const server: Server = createHttpServer({ ...services, clientDir: '/nonexistent' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const outbox = path.join(dataDir, 'mail');

  const mails = () => outboxMails(outbox);

  const mailTo = (address: string, count = 1) => mailInOutbox(outbox, address, count);

  async function codeFor(address: string, count = 1): Promise<string> {
    return codeIn(await mailTo(address, count));
  }

  /** Lets time pass for the cool-downs and limits: every code and rate event moves into the past. */
  async function letTimePass(seconds: number) {
    await testDb.handle.db.execute(sql`update email_codes set created_at = created_at - make_interval(secs => ${seconds})`);
    await testDb.handle.db.execute(sql`update rate_events set at = at - make_interval(secs => ${seconds})`);
    await testDb.handle.db.execute(sql`update proof_attempts set attempted_at = attempted_at - make_interval(secs => ${seconds})`);
  }

  return {
    baseUrl,
    db: testDb.handle.db,
    dataDir,
    letTimePass,
    /** Set on PostgreSQL, for a test that needs connections of its own. */
    databaseUrl: testDb.url,
    logLines,
    mails,
    /** Resolves once every mail under way is in the outbox or failed: mail goes out after the answer. */
    mailsSent: () => mailer.idle(),
    mailTo,
    codeFor,
    /** What a request's service would get at `now`: for the rules that depend on the day (a resend days later). */
    depsAt: (now: Date): ServiceDeps => ({ db: served.db, config, mailer, logger, now, clientKey: 'test-client' }),
    client: (options: { origin?: string | null } = {}) => createClient(baseUrl, options.origin === undefined ? 'http://localhost:3000' : options.origin),
    async close() {
      await closeServer(server);
      // Mails still on their way must not land in a dropped database's outbox or log.
      await mailer.idle();
      await served.close();
      await testDb.dispose();
    }
  };
}

export type App = Awaited<ReturnType<typeof startApp>>;

/**
 * fetch for a server on this machine under any host name, such as minami.localhost, which a
 * browser resolves to loopback and Node does not: connects to 127.0.0.1 and sends the URL's host.
 */
const loopback = ((_host: string, options: { all?: boolean }, done: (error: null, address: unknown, family?: number) => void) =>
  options.all ? done(null, [{ address: '127.0.0.1', family: 4 }]) : done(null, '127.0.0.1', 4)) as unknown as typeof lookup;

export function loopbackFetch(url: string | URL | Request, init?: RequestInit): Promise<Response> {
  const target = new URL(url instanceof Request ? url.url : url);
  return new Promise((resolve, reject) => {
    const request = http.request(
      target,
      { method: init?.method ?? 'GET', headers: Object.fromEntries(new Headers(init?.headers).entries()), lookup: loopback },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(response.headers)) for (const one of [value ?? []].flat()) headers.append(name, one);
          resolve(new Response(response.statusCode === 204 ? null : Buffer.concat(chunks), { status: response.statusCode, headers }));
        });
        response.on('error', reject);
      }
    );
    request.on('error', reject);
    request.end(typeof init?.body === 'string' ? init.body : undefined);
  });
}

/** A browser stand-in: keeps its cookies and sends the Origin a page of ours would. */
export function createClient(baseUrl: string, origin: string | null, send: typeof fetch = fetch) {
  const cookies = new Map<string, string>();
  const api = createTRPCClient<AppRouter>({
    links: [
      httpLink({
        url: `${baseUrl}/api/trpc`,
        // A call's own headers, as `mutate(input, { context: { headers } })`: the import upload's fields.
        headers: ({ op }) => (op.context.headers as Record<string, string> | undefined) ?? {},
        fetch: async (url, init) => {
          const headers = new Headers(init?.headers as HeadersInit);
          if (origin) headers.set('Origin', origin);
          if (cookies.size) headers.set('Cookie', [...cookies].map(([name, value]) => `${name}=${value}`).join('; '));
          const response = await send(url, { ...(init as RequestInit), headers });
          for (const cookie of response.headers.getSetCookie()) {
            const [pair] = cookie.split(';');
            const [name, ...value] = pair!.split('=');
            if (/Max-Age=0/i.test(cookie)) cookies.delete(name!);
            else cookies.set(name!, value.join('='));
          }
          return response;
        }
      })
    ]
  });
  return { api, cookies };
}

export type Client = ReturnType<typeof createClient>;

/** How a call ended: `OK`, or the error's code and reason, for requests sent together and counted after. */
export async function outcomeOf(call: Promise<unknown>) {
  try {
    await call;
    return { code: 'OK' as string | undefined, status: 200 as number | undefined };
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; reason?: { ja: string; en: string }; field?: string | null; requestId?: string } | undefined;
      return { code: data?.code, status: data?.httpStatus, reason: data?.reason, field: data?.field, requestId: data?.requestId, message: error.message };
    }
    throw error;
  }
}

/** The error a call ended with, for assertions on its code and reason. */
export async function failureOf(call: Promise<unknown>) {
  const outcome = await outcomeOf(call);
  if (outcome.code === 'OK') throw new Error('the call succeeded');
  return outcome;
}

export const TEST_PASSWORD = 'kawa-no-nagare-2026';
/** argon2id, 64 MiB and 8 passes: the hashes releases before December 2026 stored. */
export const OLDER_RELEASE_SETTINGS = { algorithm: 2, memoryCost: 65_536, timeCost: 8, parallelism: 1 } as const;

/** The whole sign-up as the app does it: code by mail, faucet proof, nickname and password. */
export async function signUp(app: Pick<App, 'codeFor'>, client: Client, email: string, proof: { faucetNo: string; phone: string }): Promise<string> {
  await client.api.auth.signup.requestCode.mutate({ email });
  const code = await app.codeFor(email);
  const { ticket } = await client.api.auth.signup.verifyCode.mutate({ email, code });
  await client.api.auth.signup.proveFaucet.mutate({ ticket, ...proof, consent: true });
  await client.api.auth.signup.complete.mutate({ ticket, nickname: 'なよろ', password: TEST_PASSWORD });
  return code;
}
