import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_FORMAT } from '../../src/lib/shared/sync-wire.js';
import { createApiAnswerers, type ApiAnswer } from '../../server/api.js';
import { importFiles } from '../../server/features/imports/service.js';
import { signUp, startApp, type App } from './support/app.js';
import { driverName } from './support/database.js';
import { headers, importRules, writeCsv } from './support/import-files.js';

let app: App;
let cookie: string;
/** Answers every request twice, through the plain-query lane and through tRPC's own handler, and sends both back. */
let twin: Server;
let twinUrl: string;

const shown = (answer: ApiAnswer) => ({ status: answer.status, headers: answer.headers, body: answer.body.toString() });

beforeAll(async () => {
  app = await startApp();
  await importFiles(app.db, [{ kind: 'customers', path: writeCsv([headers.customers, '71000001,名寄 一郎,,01654-2-7101,名寄市西1条,,,,2020-04-01,,transfer']) }], {
    rules: importRules,
    ranBy: 'test'
  });
  const client = app.client();
  await signUp(app, client, 'api@example.jp', { faucetNo: '71000001', phone: '01654-2-7101' });
  cookie = `session=${client.cookies.get('session')}`;

  const answer = createApiAnswerers(app.services);
  twin = createServer(async (req, res) => {
    const lane = await answer.plainQueries(req, res);
    const trpc = await answer.anyRequest(req, res);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ lane: lane && shown(lane), trpc: shown(trpc) }));
  });
  await new Promise<void>((resolve) => twin.listen(0, '127.0.0.1', resolve));
  twinUrl = `http://127.0.0.1:${(twin.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => twin.close(resolve));
  await app.close();
});

type Shown = ReturnType<typeof shown>;

async function bothAnswers(pathAndQuery: string, requestHeaders: Record<string, string> = {}): Promise<{ lane?: Shown; trpc: Shown }> {
  const response = await fetch(`${twinUrl}/api/trpc/${pathAndQuery}`, { headers: requestHeaders });
  return (await response.json()) as { lane?: Shown; trpc: Shown };
}

const input = (value: unknown) => encodeURIComponent(JSON.stringify(value));
const pullInput = { format: SYNC_FORMAT, cursor: null, knownLinks: [] };

describe(`the API on ${driverName}`, () => {
  it.each([
    ['a public query without input', 'utility.profile', false, 200],
    ['a customer query', `sync.pull?input=${input(pullInput)}`, true, 200],
    ['a customer query without a session', `sync.pull?input=${input(pullInput)}`, false, 401],
    ['input the procedure refuses', `sync.pull?input=${input({ format: 'x' })}`, true, 400],
    ['a pull batched the way the device sends it', `sync.pull?batch=1&input=${input({ 0: pullInput })}`, true, 200],
    ['a batch of two queries, one without input', `utility.profile,auth.me?batch=1&input=${input({})}`, true, 200],
    ['a batch where one call fails and one succeeds', `sync.pull,utility.profile?batch=1`, false, 207]
  ])('answers %s directly, exactly as tRPC would', async (_, pathAndQuery, signedIn, status) => {
    const { lane, trpc } = await bothAnswers(pathAndQuery, signedIn ? { Cookie: cookie } : {});
    expect(trpc.status).toBe(status);
    expect(lane).toEqual(trpc);
  });

  it.each([
    ['a mutation sent as GET', `auth.logout?input=${input({})}`, 405],
    ['a path that is not a procedure', 'nothing.here', 404],
    ['two paths without batch=1', 'utility.profile,auth.me', 404],
    ['input that is not JSON', 'sync.pull?input=%7Bformat', 400],
    ['a batch whose input is not an object', `sync.pull?batch=1&input=${input([pullInput])}`, 400],
    ['an encoded path', 'utility%2Eprofile', 200],
    ['a batch of more than twenty calls', `${Array(21).fill('utility.profile').join(',')}?batch=1`, 400]
  ])('leaves %s to tRPC', async (_, pathAndQuery, status) => {
    const { lane, trpc } = await bothAnswers(pathAndQuery, { Cookie: cookie });
    expect(lane).toBeUndefined();
    expect(trpc.status).toBe(status);
  });

  it('leaves a path that resolves outside the endpoint to tRPC', async () => {
    // fetch would resolve the dot segment itself; a raw request sends it as typed.
    const answers = await new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(twinUrl);
      get({ hostname, port, path: '/api/trpc/../trpcXutility.profile' }, (response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () => resolve(body));
      }).on('error', reject);
    });
    const { lane, trpc } = JSON.parse(answers) as { lane?: Shown; trpc: Shown };
    expect(lane).toBeUndefined();
    expect(trpc.status).toBe(404);
  });

  it('leaves a streaming batch to tRPC', async () => {
    const { lane, trpc } = await bothAnswers(`sync.pull?batch=1&input=${input({ 0: pullInput })}`, { Cookie: cookie, 'trpc-accept': 'application/jsonl' });
    expect(lane).toBeUndefined();
    expect(trpc.status).toBe(200);
  });

  it('never sends a server stack trace with an error', async () => {
    const { lane, trpc } = await bothAnswers(`sync.pull?input=${input({ format: 'x' })}`);
    expect(JSON.parse(trpc.body)).toMatchObject({ error: { data: { code: 'UNAUTHORIZED' } } });
    expect(trpc.body).not.toMatch(/stack|\.ts:\d+/);
    expect(lane!.body).not.toMatch(/stack|\.ts:\d+/);
  });
});
