import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { openDatabase, type DatabaseHandle } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { createHttpServer } from '../../server/http.js';
import { createLogger } from '../../server/logger.js';
import { createMailer } from '../../server/mail/transport.js';
import { createTestDatabase, driverName, serverUrl, type TestDatabase } from './support/database.js';
import { freshDataDir } from './support/server-process.js';
import { TcpProxy } from './support/tcp-proxy.js';

const config = loadConfig({ DATA_DIR: freshDataDir() });
const logger = createLogger('silent');

async function serve(database: DatabaseHandle): Promise<{ server: Server; baseUrl: string }> {
  const server = createHttpServer({ config, database, logger, mailer: createMailer(config, logger), clientDir: '/nonexistent' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

async function health(baseUrl: string): Promise<{ status: number; body: unknown; ms: number }> {
  const started = performance.now();
  const response = await fetch(`${baseUrl}/healthz`);
  return { status: response.status, body: await response.json(), ms: performance.now() - started };
}

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe(`HTTP on ${driverName}`, () => {
  let testDb: TestDatabase;

  async function servedApp() {
    testDb = await createTestDatabase();
    cleanups.push(() => testDb.dispose());
    await migrate(testDb.handle.db);
    const app = await serve(testDb.handle);
    cleanups.push(() => new Promise((resolve) => app.server.close(resolve)));
    return app;
  }

  it('answers /healthz with 200 {"ok":true} while the database answers', async () => {
    const { baseUrl } = await servedApp();
    expect(await health(baseUrl)).toMatchObject({ status: 200, body: { ok: true } });
  });

  it('serves the utility profile over tRPC and the manifest, with security headers', async () => {
    const { baseUrl } = await servedApp();
    const response = await fetch(`${baseUrl}/api/trpc/utility.profile`);
    expect(response.status).toBe(200);
    const payload = (await response.json()) as { result: { data: { name: { ja: string }; phone: string } } };
    expect(payload.result.data.name.ja).toBe('名寄市上下水道室');
    expect(payload.result.data.phone).toBe('01654-3-2111');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");

    const manifest = await fetch(`${baseUrl}/manifest.webmanifest`);
    expect(manifest.headers.get('content-type')).toContain('application/manifest+json');
    expect(await manifest.json()).toMatchObject({ display: 'standalone', lang: 'ja' });
    expect((await fetch(`${baseUrl}/api/nothing-here`)).status).toBe(404);
  });

  it('answers 503 once the database is gone', async () => {
    const { baseUrl } = await servedApp();
    await testDb.handle.close();
    expect(await health(baseUrl)).toMatchObject({ status: 503, body: { ok: false } });
  });
});

describe.runIf(serverUrl)('HTTP when the PostgreSQL server stops and comes back', () => {
  it('answers 503 within a second while it is down and 200 again when it is back', async () => {
    const testDb = await createTestDatabase();
    cleanups.push(() => testDb.dispose());
    const proxy = new TcpProxy('127.0.0.1', Number(new URL(testDb.url!).port || 5432));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const database = await openDatabase({ databaseUrl: proxy.urlFor(testDb.url!) });
    cleanups.push(() => database.close());
    const { server, baseUrl } = await serve(database);
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));

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
