import { get } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { importFiles } from '../../server/features/imports/service.js';
import { signUp, startApp, type App } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, noticeRules, writeCsv } from './support/import-files.js';

let app: App;
let cookie: string;

beforeAll(async () => {
  app = await startApp();
  await importFiles({ db: app.db, now: new Date() }, [{ kind: 'customers', path: writeCsv([headers.customers, '71000001,名寄 一郎,,01654-2-7101,名寄市西1条,,,,2020-04-01,,transfer']) }], {
    rules: importRules, notices: noticeRules,
    ranBy: 'test'
  });
  const client = app.client();
  await signUp(app, client, 'api@example.jp', { faucetNo: '71000001', phone: '01654-2-7101' });
  cookie = `session=${client.cookies.get('session')}`;
});

afterAll(async () => {
  await app.close();
});

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const pullInput = { format: SYNC_FORMAT, cursor: null, knownLinks: [] };

/** A GET of the API as the real server answers it, signed in or not. */
async function apiGet(pathAndQuery: string, signedIn: boolean) {
  const response = await fetch(`${app.baseUrl}/api/trpc/${pathAndQuery}`, { headers: signedIn ? { Cookie: cookie } : {} });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A GET sent exactly as typed: fetch would resolve a dot segment itself. */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(app.baseUrl);
    get({ hostname, port, path }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body }));
    }).on('error', reject);
  });
}

describe(`the API on ${driverName}`, () => {
  it('answers a pull batched the way the device sends it, whole, with its length and no cache', async () => {
    const answer = await apiGet(`sync.pull?batch=1&input=${input({ 0: pullInput })}`, true);
    expect(answer.status).toBe(200);
    const [call] = JSON.parse(answer.body) as [{ result: { data: { format: number; cursor: number } } }];
    expect(call.result.data).toMatchObject({ format: SYNC_FORMAT, cursor: expect.any(Number) });
    expect(answer.headers.get('content-length')).toBe(String(Buffer.byteLength(answer.body)));
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });

  it('answers a customer query without a session with 401', async () => {
    const answer = await apiGet(`sync.pull?input=${input(pullInput)}`, false);
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { data: { code: 'UNAUTHORIZED', reason: { ja: expect.any(String), en: expect.any(String) } } } });
  });

  it('answers a batch where one call fails and one succeeds with 207 and each call its own status', async () => {
    const answer = await apiGet(`sync.pull,utility.profile?batch=1&input=${input({ 0: pullInput })}`, false);
    expect(answer.status).toBe(207);
    const [pull, profile] = JSON.parse(answer.body) as [{ error: { data: { httpStatus: number } } }, { result: { data: unknown } }];
    expect(pull.error.data.httpStatus).toBe(401);
    expect(profile.result.data).toMatchObject({ name: { ja: expect.any(String) } });
  });

  it('runs a batch of twenty calls and refuses one of twenty-one', async () => {
    const batch = (calls: number) => apiGet(`${Array(calls).fill('utility.profile').join(',')}?batch=1`, false);
    const twenty = await batch(20);
    expect(twenty.status).toBe(200);
    expect(JSON.parse(twenty.body)).toHaveLength(20);
    const tooMany = await batch(21);
    expect(tooMany.status).toBe(400);
    expect(JSON.parse(tooMany.body)).toMatchObject({ error: { data: { code: 'BAD_REQUEST' } } });
  });

  it.each([
    ['a mutation sent as GET', `auth.logout?input=${input({})}`, 405],
    ['a path that is not a procedure', 'nothing.here', 404],
    ['two paths without batch=1', 'utility.profile,sync.pull', 404],
    ['input that is not JSON', 'sync.pull?input=%7Bformat', 400],
    ['input the procedure refuses', `sync.pull?input=${input({ format: 'x' })}`, 400]
  ])('answers %s with %i', async (_, pathAndQuery, status) => {
    expect((await apiGet(pathAndQuery, true)).status).toBe(status);
  });

  it.each([
    '/api/trpc/../x',
    // Resolved, "/api/trpcutility.profile": tRPC cuts its endpoint's length off that and finds "utility.profile".
    '/api/trpc/../trpcutility.profile',
    '/api/trpc/%2e%2e/trpcutility.profile'
  ])('answers %s, a path that resolves outside the endpoint, with 404', async (path) => {
    expect((await rawGet(path)).status).toBe(404);
  });

  it('answers a request target no URL parser reads with 404, and goes on serving', async () => {
    const { hostname, port } = new URL(app.baseUrl);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () => socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      let text = '';
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    expect((await apiGet('utility.profile', false)).status).toBe(200);
  });

  it('refuses a request body over 256 KB with 413', async () => {
    const response = await fetch(`${app.baseUrl}/api/trpc/auth.logout`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'http://localhost:3000' },
      body: JSON.stringify({ padding: 'x'.repeat(300 * 1024) })
    });
    expect(response.status).toBe(413);
  });

  it('never sends a server stack trace with an error', async () => {
    for (const [pathAndQuery, signedIn] of [
      [`sync.pull?input=${input({ format: 'x' })}`, false],
      [`sync.pull?input=${input({ format: 'x' })}`, true],
      ['sync.pull?input=%7Bformat', true],
      ['nothing.here', true]
    ] as const) {
      const answer = await apiGet(pathAndQuery, signedIn);
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.body).not.toMatch(/stack|\.ts:\d+|\.js:\d+/);
    }
  });
});
