import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase, selectRows, type DatabaseHandle } from '../../server/db/client.js';
import { createHttpServer } from '../../server/http.js';
import { createLogger } from '../../server/log/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { createMigratedTestDatabase, driverName, serverUrl, type TestDatabase } from './support/database.js';
import { rawGet } from './support/raw-get.js';
import { freshDataDir } from './support/server-process.js';
import { TcpProxy } from './support/tcp-proxy.js';
import { closeServer } from './support/close-server.js';
import { demoUtility } from './support/import-files.js';

const logger = createLogger('silent');

/** The pages' policies as SvelteKit writes them into a build (kit.csp), each with the hash of its own inline start-up script. */
const SHELL_POLICY = "default-src 'self'; script-src 'self' 'sha256-6XA3kbckwGeje5BzFCfseo5tqeEcwunpFFlpfhZ6GAU='; object-src 'none'";
const LOGIN_POLICY = "default-src 'self'; script-src 'self' 'sha256-QpQM4Gr6dMUkRmb1Yxi4vCGQ0bjz/uLSFd5OUj6YoxU='; object-src 'none'";
const HOME_POLICY = "default-src 'self'; script-src 'self' 'sha256-NKuu0ie6m9IeIY7g4sEYHIiWOTuJtQbCEOVad2ubh0w='; object-src 'none'";

const page = (policy: string) => `<!doctype html><html><head><meta http-equiv="content-security-policy" content="${policy}"></head><body></body></html>`;

/** A file of a client build with the .br and .gz siblings adapter-static's precompress writes. */
function writePrecompressed(file: string, text: string) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  writeFileSync(`${file}.br`, brotliCompressSync(text));
  writeFileSync(`${file}.gz`, gzipSync(text));
}

/** A client build as adapter-static leaves it: the shell and two prerendered pages with their CSP tags, a hashed asset and the service worker. */
function clientBuild(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'portal-client-'));
  writePrecompressed(path.join(dir, 'shell.html'), page(SHELL_POLICY));
  writePrecompressed(path.join(dir, 'index.html'), page(HOME_POLICY));
  writePrecompressed(path.join(dir, 'login.html'), page(LOGIN_POLICY));
  writePrecompressed(path.join(dir, '_app/immutable/entry/start.abc123.js'), `export const names = ${JSON.stringify(Array.from({ length: 200 }, (_, i) => `水道${i}`))};`);
  writePrecompressed(path.join(dir, 'service-worker.js'), `self.__WB_MANIFEST = ${JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ url: `_app/immutable/chunks/${i}.js` })))};`);
  return dir;
}

async function serve(
  database: DatabaseHandle,
  options: { env?: Record<string, string>; clientDir?: string } = {}
): Promise<{ server: Server; baseUrl: string }> {
  const config = loadConfig({ DATA_DIR: freshDataDir(), ...options.env });
  const clientDir = options.clientDir ?? '/nonexistent';
  const server = createHttpServer({ config, database, logger, mailer: createMailer(config, logger), clientDir });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function health(baseUrl: string, path = '/healthz'): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}${path}`);
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe(`HTTP on ${driverName}`, () => {
  let testDb: TestDatabase;

  async function servedApp(options: Parameters<typeof serve>[1] = {}) {
    const database = await createMigratedTestDatabase();
    // This database, not whichever `testDb` names at cleanup: a test that serves twice drops both.
    cleanups.push(() => database.dispose());
    testDb = database;
    const app = await serve(testDb.handle, options);
    cleanups.push(() => closeServer(app.server));
    return app;
  }

  it('answers /healthz with 200 {"ok":true} while the database answers', async () => {
    const { baseUrl } = await servedApp();
    expect(await health(baseUrl)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('keeps an idle keep-alive connection open longer than Node\'s 5 s, so a device or proxy pulling every 10 s reuses it', async () => {
    const { server, baseUrl } = await servedApp();
    // How long the server lets the connection sit idle once an answer is written: Node sets it
    // (socket.setTimeout) when the response finishes, before any listener added here runs.
    const idleTimeouts: number[] = [];
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      response.on('finish', () => idleTimeouts.push(request.socket.timeout ?? 0));
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(async () => agent.destroy());
    const reused = () =>
      new Promise<boolean>((resolve, reject) => {
        const request = get(`${baseUrl}/healthz`, { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(request.reusedSocket));
        });
        request.on('error', reject);
      });
    expect(await reused()).toBe(false);
    expect(await reused()).toBe(true);
    expect(idleTimeouts).toHaveLength(2);
    for (const timeout of idleTimeouts) expect(timeout).toBeGreaterThan(10_000);
  });

  it('answers the health check on its exact path (any query) and 404 to a near miss, not the shell', async () => {
    const { baseUrl } = await servedApp({ clientDir: clientBuild() });
    expect(await health(baseUrl, '/healthz?probe=1')).toMatchObject({ status: 200, body: { ok: true } });
    for (const nearMiss of ['/healthzz', '/healthz/', '/healthz/db', '/healthz.json?x']) {
      expect(await health(baseUrl, nearMiss), nearMiss).toMatchObject({ status: 404, body: { error: 'not found' } });
    }
    // Other unknown paths are the app's own (the shell routes them).
    const shell = await fetch(`${baseUrl}/history`);
    expect(shell.headers.get('content-type')).toContain('text/html');
    await shell.text();
  });

  it('answers 503 when the database answers but the schema is gone (re-created empty)', async () => {
    const { baseUrl } = await servedApp();
    await testDb.handle.db.execute(sql`drop schema public cascade`);
    await testDb.handle.db.execute(sql`create schema public`);
    expect(await selectRows(testDb.handle.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
    const answer = await health(baseUrl);
    expect(answer).toMatchObject({ status: 503, body: { ok: false } });
    expect(answer.ms).toBeLessThan(1000);
  });

  it('serves the utility profile over tRPC and the manifest, with security headers', async () => {
    const { baseUrl } = await servedApp();
    const response = await fetch(`${baseUrl}/api/trpc/utility.profile`);
    expect(response.status).toBe(200);
    const payload = (await response.json()) as { result: { data: { name: { ja: string }; phone: string } } };
    expect(payload.result.data.name.ja).toBe('名寄市上下水道室');
    expect(payload.result.data.phone).toBe('01654-3-2111');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cross-origin-resource-policy')).toBe('same-origin');

    const manifest = await fetch(`${baseUrl}/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
    expect(await manifest.json()).toMatchObject({ display: 'standalone', lang: 'ja' });
    expect((await fetch(`${baseUrl}/api/nothing-here`)).status).toBe(404);
  });

  it('sends each page its own policy and the document headers, the service worker its policy, and every answer nosniff and CORP', async () => {
    const { baseUrl } = await servedApp({ clientDir: clientBuild() });
    const get = (url: string, init?: RequestInit) => fetch(`${baseUrl}${url}`, init);
    // Every page under each address it answers to, with the policy of the file that is sent.
    const documents = {
      '/': HOME_POLICY,
      '/index.html': HOME_POLICY,
      '/login': LOGIN_POLICY,
      '/login/': LOGIN_POLICY,
      '/login.html': LOGIN_POLICY,
      '/login?next=%2Fhistory': LOGIN_POLICY,
      '/history': SHELL_POLICY,
      '/history/bill?faucet=1': SHELL_POLICY,
      '/shell.html': SHELL_POLICY
    };
    for (const [url, policy] of Object.entries(documents)) {
      const response = await get(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toContain('text/html');
      expect(Object.fromEntries(response.headers), url).toMatchObject({
        // The page's own policy, inline-script hash included, and what only a header can say.
        'content-security-policy': `${policy}; frame-ancestors 'none'`,
        'x-frame-options': 'DENY',
        'referrer-policy': 'same-origin',
        'permissions-policy': 'camera=(), microphone=(), geolocation=()',
        'cross-origin-opener-policy': 'same-origin',
        'cross-origin-resource-policy': 'same-origin',
        'x-content-type-options': 'nosniff',
        'cache-control': 'no-cache'
      });
      // http://localhost: no HSTS, which would pin the name to https.
      expect(response.headers.get('strict-transport-security'), url).toBeNull();
      await response.text();
    }

    const worker = await get('/service-worker.js');
    expect(Object.fromEntries(worker.headers)).toMatchObject({
      'content-security-policy': SHELL_POLICY,
      'referrer-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
      'cross-origin-resource-policy': 'same-origin'
    });
    expect(worker.headers.get('x-frame-options')).toBeNull();

    const others = {
      asset: await get('/_app/immutable/entry/start.abc123.js'),
      api: await get('/api/trpc/utility.profile'),
      apiBatch: await get('/api/trpc/auth.me,utility.profile?batch=1&input=%7B%7D'),
      apiMutation: await get('/api/trpc/auth.logout', { method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' } }),
      manifest: await get('/manifest.webmanifest'),
      health: await get('/healthz')
    };
    for (const [kind, response] of Object.entries(others)) {
      expect(response.status, kind).toBeLessThan(400);
      expect(Object.fromEntries(response.headers), kind).toMatchObject({ 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin' });
      for (const documentOnly of ['content-security-policy', 'x-frame-options', 'referrer-policy', 'permissions-policy', 'cross-origin-opener-policy']) {
        expect(response.headers.get(documentOnly), `${kind} ${documentOnly}`).toBeNull();
      }
      await response.arrayBuffer();
    }
    expect(others.asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    for (const kind of ['api', 'apiBatch', 'apiMutation'] as const) expect(others[kind].headers.get('cache-control'), kind).toBe('no-store');
  });

  it('answers 404 to a file that is not there and to the compressed files, never the shell', async () => {
    const { baseUrl } = await servedApp({ clientDir: clientBuild() });
    const compressed = ['/login.html.br', '/index.html.gz', '/_app/immutable/entry/start.abc123.js.br'];
    // As sirv reads a path: percent-decoded, and cut at "#" as well as at "?".
    const disguised = ['/login.html%2Ebr', '/login.html%2egz?x=1', '/index.html.gz#x', '/login%2Ehtml%2Ebr', '/_app/immutable/entry/start.abc123.js%2Ebr'];
    for (const url of ['/_app/immutable/entry/missing.abc123.js', '/favicon.ico', ...compressed, ...disguised, '/.well-known/security']) {
      const answer = await rawGet(baseUrl, { 'Accept-Encoding': 'br, gzip' }, url);
      expect(answer.status, url).toBe(404);
      expect(answer.headers['content-type'], url).toContain('application/json');
    }
  });

  it("sends the build's precompressed files by Accept-Encoding (brotli, gzip or as they are), with Vary and the right cache lifetime", async () => {
    const clientDir = clientBuild();
    const { baseUrl } = await servedApp({ clientDir });
    const decoders = { br: brotliDecompressSync, gzip: gunzipSync, identity: (body: Buffer) => body };
    const files = [
      { path: '/_app/immutable/entry/start.abc123.js', file: '_app/immutable/entry/start.abc123.js', type: 'text/javascript', cache: 'public, max-age=31536000, immutable' },
      { path: '/service-worker.js', file: 'service-worker.js', type: 'text/javascript', cache: 'no-cache' },
      // A prerendered page is its own file; every other page of the app is the shell.
      { path: '/', file: 'index.html', type: 'text/html;charset=utf-8', cache: 'no-cache' },
      { path: '/login', file: 'login.html', type: 'text/html;charset=utf-8', cache: 'no-cache' },
      { path: '/history', file: 'shell.html', type: 'text/html;charset=utf-8', cache: 'no-cache' }
    ];
    // What browsers send, and the edge cases of q-values: a zero excludes an encoding, whatever its place.
    const asked = [
      { accept: 'gzip, deflate, br, zstd', encoding: 'br' },
      { accept: 'br', encoding: 'br' },
      { accept: 'gzip', encoding: 'gzip' },
      { accept: 'br;q=0, gzip;q=0.8', encoding: 'gzip' },
      { accept: '*', encoding: 'br' },
      { accept: undefined, encoding: 'identity' },
      { accept: 'identity', encoding: 'identity' },
      { accept: 'deflate', encoding: 'identity' },
      { accept: 'gzip;q=0, br;q=0', encoding: 'identity' }
    ] as const;
    for (const { path: urlPath, file, type, cache } of files) {
      const original = readFileSync(path.join(clientDir, file));
      for (const { accept, encoding } of asked) {
        const what = `${urlPath} with Accept-Encoding ${accept}`;
        const answer = await rawGet(`${baseUrl}${urlPath}`, accept === undefined ? {} : { 'Accept-Encoding': accept });
        expect(answer.status, what).toBe(200);
        expect(answer.headers['content-encoding'], what).toBe(encoding === 'identity' ? undefined : encoding);
        expect(answer.headers['content-type'], what).toBe(type);
        expect(Number(answer.headers['content-length']), what).toBe(answer.body.length);
        expect(decoders[encoding](answer.body).equals(original), what).toBe(true);
        if (encoding !== 'identity') expect(answer.body.length, what).toBeLessThan(original.length);
        expect(answer.headers.vary, what).toBe('Accept-Encoding');
        expect(answer.headers['cache-control'], what).toBe(cache);
      }
    }

    // A revalidation names the representation it holds: the brotli one is still current, and a gzip client gets its own.
    const first = await rawGet(`${baseUrl}/service-worker.js`, { 'Accept-Encoding': 'br' });
    expect((await rawGet(`${baseUrl}/service-worker.js`, { 'Accept-Encoding': 'br', 'If-None-Match': first.headers.etag! })).status).toBe(304);
    const gzipped = await rawGet(`${baseUrl}/service-worker.js`, { 'Accept-Encoding': 'gzip', 'If-None-Match': first.headers.etag! });
    expect(gzipped.status).toBe(200);
    expect(gzipped.headers['content-encoding']).toBe('gzip');

    // A file with no compressed sibling (an image) goes as it is, whatever is accepted.
    writeFileSync(path.join(clientDir, '_app/immutable/entry/icon.abc123.png'), Buffer.alloc(3000, 7));
    const restarted = await servedApp({ clientDir });
    const image = await rawGet(`${restarted.baseUrl}/_app/immutable/entry/icon.abc123.png`, { 'Accept-Encoding': 'br, gzip' });
    expect(image.headers).toMatchObject({ 'content-type': 'image/png', 'content-length': '3000' });
    expect(image.headers['content-encoding']).toBeUndefined();
  });

  it('compresses API answers on the fly when worth it, once, and tRPC reads them', async () => {
    const { baseUrl } = await servedApp({ clientDir: clientBuild() });
    const profile = `${baseUrl}/api/trpc/utility.profile`;
    const plain = await rawGet(profile);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    for (const [accept, decode] of [['br', brotliDecompressSync], ['gzip', gunzipSync]] as const) {
      const answer = await rawGet(profile, { 'Accept-Encoding': accept });
      expect(answer.headers['content-encoding'], accept).toBe(accept);
      expect(answer.headers.vary, accept).toContain('Accept-Encoding');
      expect(answer.headers['cache-control'], accept).toBe('no-store');
      expect(JSON.parse(decode(answer.body).toString('utf8')), accept).toEqual(JSON.parse(plain.body.toString('utf8')));
    }
    // Under the threshold compression costs more than it saves.
    const small = await rawGet(`${baseUrl}/api/trpc/auth.me`, { 'Accept-Encoding': 'br, gzip' });
    expect(small.headers['content-encoding']).toBeUndefined();
    expect(JSON.parse(small.body.toString('utf8'))).toMatchObject({ result: { data: null } });
  });

  it('sends Strict-Transport-Security with the pages when ORIGIN is https', async () => {
    const { baseUrl } = await servedApp({ env: { ORIGIN: 'https://portal.example.jp' }, clientDir: clientBuild() });
    for (const url of ['/', '/login', '/history']) {
      const response = await fetch(`${baseUrl}${url}`);
      expect(response.headers.get('strict-transport-security'), url).toBe('max-age=31536000; includeSubDomains');
      await response.text();
    }
  });

  it('refuses to start on a client build with no shell, which an older build would be', async () => {
    const clientDir = clientBuild();
    rmSync(path.join(clientDir, 'shell.html'));
    await expect(servedApp({ clientDir })).rejects.toThrow(/shell\.html/);
  });

  it('keys the per-client limits on X-Forwarded-For only behind TRUST_PROXY proxies', async () => {
    const failedLogIn = (baseUrl: string, forwardedFor: string) =>
      fetch(`${baseUrl}/api/trpc/auth.login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000', 'X-Forwarded-For': forwardedFor },
        body: JSON.stringify({ email: 'nobody@example.jp', password: 'not-the-password-1' })
      });
    const clientBuckets = async () =>
      (await selectRows<{ bucket: string }>(testDb.handle.db, sql`select distinct bucket from rate_events where bucket like 'login-client:%' order by bucket`)).map(
        (row) => row.bucket
      );

    const direct = await servedApp();
    for (const forwardedFor of ['198.51.100.1', '198.51.100.2']) expect((await failedLogIn(direct.baseUrl, forwardedFor)).status).toBe(401);
    // Anyone can write the header: with no trusted proxy both are the one connecting client.
    expect(await clientBuckets()).toEqual([expect.stringMatching(/^login-client:(::ffff:)?127\.0\.0\.1$/)]);

    const proxied = await servedApp({ env: { TRUST_PROXY: '1' } });
    // Our proxy appends the address it saw; what the sender wrote before it is ignored.
    for (const forwardedFor of ['10.9.9.9, 198.51.100.1', '10.9.9.9, 198.51.100.2']) expect((await failedLogIn(proxied.baseUrl, forwardedFor)).status).toBe(401);
    expect(await clientBuckets()).toEqual(['login-client:198.51.100.1', 'login-client:198.51.100.2']);
  });

  it('answers 503 once the database is gone', async () => {
    const { baseUrl } = await servedApp();
    await testDb.handle.close();
    expect(await health(baseUrl)).toMatchObject({ status: 503, body: { ok: false } });
  });
});

describe.runIf(serverUrl)('HTTP when the PostgreSQL server stops and comes back', () => {
  it('answers 503 within a second while it is down and 200 again when it is back', async () => {
    const testDb = await createMigratedTestDatabase();
    cleanups.push(() => testDb.dispose());
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(testDb.url!).port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const database = await openDatabase({ databaseUrl: proxy.urlFor(testDb.url!), utility: demoUtility });
    cleanups.push(() => database.close());
    const { server, baseUrl } = await serve(database);
    cleanups.push(() => closeServer(server));

    expect(await health(baseUrl)).toMatchObject({ status: 200 });
    await proxy.stop();
    const down = await health(baseUrl);
    expect(down).toMatchObject({ status: 503, body: { ok: false } });
    expect(down.ms).toBeLessThan(1000);
    // The process stays up and keeps answering while the database is away.
    expect(await health(baseUrl)).toMatchObject({ status: 503 });

    await proxy.start();
    let back = await health(baseUrl);
    for (let tries = 0; back.status !== 200 && tries < 50; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      back = await health(baseUrl);
    }
    expect(back).toMatchObject({ status: 200, body: { ok: true } });
  });
});
