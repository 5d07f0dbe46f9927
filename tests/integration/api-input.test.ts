import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { procedureFieldNames } from '../../src/lib/shared/procedure-form.js';
import { typedFieldNames } from '../../src/lib/shared/typed-text.js';
import { selectRows } from '../../server/db/client.js';
import { appRouter } from '../../server/router.js';
import { signUp, startApp, TEST_PASSWORD, type App } from './support/app.js';
import { procedureSamples as samples } from './support/procedure-samples.js';
import { driverName } from './support/database.js';
import { faucet, importMemberFaucets } from './support/members.js';
import { signInStaff } from './support/staff.js';

/** Sent without the session cookies, so they cannot end the sessions the other requests use. */
const endsSessions = new Set(['auth.logout', 'staff.auth.logout']);
const paths = Object.keys(samples);

let app: App;
let cookie: string;

beforeAll(async () => {
  app = await startApp({ logLevel: 'warn' });
  await importMemberFaucets(app.db);
  const member = app.client();
  await signUp(app, member, 'member@example.jp', faucet(19));
  const admin = await signInStaff(app, 'admin');
  // Both sessions at once: each route reads its own cookie, so every one gets past its door.
  cookie = `session=${member.cookies.get('session')}; staff_session=${admin.cookies.get('staff_session')}`;
});

afterAll(async () => {
  await app.close();
});

/** Sends a procedure's input as JSON text, the way a browser of ours would (GET for queries, POST with our Origin otherwise). */
async function send(path: string, body: string | undefined, withSession = true) {
  const headers: Record<string, string> = { Origin: 'http://localhost:3000', ...(withSession ? { Cookie: cookie } : {}) };
  const url = `${app.baseUrl}/api/trpc/${path}`;
  const response =
    samples[path]!.type === 'query'
      ? await fetch(body === undefined ? url : `${url}?input=${encodeURIComponent(body)}`, { headers })
      : await fetch(url, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

/** Every row of the tables a procedure can write, to show that a refusal changed nothing. */
async function snapshot() {
  const tables = [
    'customers', 'sessions', 'email_codes', 'faucet_links', 'proof_attempts', 'rate_events', 'paper_slip_changes', 'client_changes', 'notices',
    'notice_preferences', 'push_subscriptions', 'procedures', 'procedure_events', 'receipt_counters', 'staff', 'audit_log'
  ];
  return Promise.all(tables.map((table) => selectRows(app.db, sql.raw(`select * from ${table} order by 1`))));
}

const badTexts = [
  ['U+0000', 'ab\u0000c', 'U+0000'],
  ['a lone surrogate', 'ab\ud800c', 'lone surrogate']
] as const;

/** Every class of character no typed text may hold (src/lib/shared/typed-text.ts), two of each. */
const forbiddenClasses = [
  ['C0 (BEL)', 'a\u0007b', 'U+0007'],
  ['C0 (tab)', 'a\tb', 'U+0009'],
  ['C0 (line feed)', 'a\nb', 'U+000A'],
  ['DEL', 'a\u007fb', 'U+007F'],
  ['C1 (NEL)', 'a\u0085b', 'U+0085'],
  ['C1 (CSI)', 'a\u009bb', 'U+009B'],
  ['a bidi override', 'a\u202Eb', 'U+202E'],
  ['a bidi isolate', 'a\u2066b', 'U+2066']
] as const;

const procedureForms = {
  'holder-change': { newHolderName: '名寄 次郎', newHolderKana: 'ナヨロ ジロウ', phone: '01654-3-2111', effectiveDate: '2026-04-01' },
  'billing-address': { name: '名寄 花子', postalCode: '096-8686', address: '名寄市', phone: '01654-3-2111' },
  'move-out': { lastDay: '2026-04-01', postalCode: '096-8686', address: '名寄市', finalPayment: 'slip', phone: '01654-3-2111' }
} as const;
/** The public move-in form, filed through its own route. */
const moveInForm = {
  supplyPostalCode: '096-8686',
  supplyAddress: '名寄市',
  faucetNo: 'N12',
  applicantName: '新居 三郎',
  applicantKana: 'アライ サブロウ',
  phone: '01654-3-2111',
  firstDay: '2026-04-01',
  debit: 'yes'
} as const;

/** Every field a customer or clerk types, with the name its refusal gives it. */
const typedFields: (readonly [string, string, { ja: string; en: string }])[] = [
  ['auth.signup.complete', 'nickname', typedFieldNames.nickname],
  ['account.changeNickname', 'nickname', typedFieldNames.nickname],
  ['faucets.add', 'label', typedFieldNames.label],
  ['faucets.label', 'label', typedFieldNames.label],
  ['staff.procedures.setStatus', 'note', typedFieldNames.note],
  // Every staff act asks why.
  ...paths.filter((path) => samples[path]!.input?.reason !== undefined).map((path) => [path, 'reason', typedFieldNames.reason] as const),
  // Both forms have a phone: one test of it is enough.
  ...[...new Set(Object.values(procedureForms).flatMap((form) => Object.keys(form)))].map(
    (field) => ['procedures.file', field, procedureFieldNames[field as keyof typeof procedureFieldNames]] as const
  ),
  ...Object.keys(moveInForm)
    .filter((field) => field !== 'phone')
    .map((field) => ['moves.fileMoveIn', field, procedureFieldNames[field as keyof typeof procedureFieldNames]] as const)
];

/** A procedure's sample input with the typed field holding `bad` after its usual text; a procedure form's field inside its form. */
function typedFieldBody(path: string, field: string, bad: string): string {
  const input = samples[path]!.input!;
  if (path === 'moves.fileMoveIn') return JSON.stringify({ ...input, fields: { ...moveInForm, [field]: `${moveInForm[field as keyof typeof moveInForm]}${bad}` } });
  if (path !== 'procedures.file') return JSON.stringify({ ...input, [field]: `${String(input[field])}${bad}` });
  const [kind, form] = Object.entries(procedureForms).find(([, form]) => field in form)!;
  return JSON.stringify({ ...input, kind, fields: { ...form, [field]: `${form[field as keyof typeof form]}${bad}` } });
}

/** Values at the edges of every type a field might have: the first a fuzzer should try. */
const edgeValues: unknown[] = [
  '', ' ', '\u0000', '\ud800', '\udfff', 'x'.repeat(70_000), '０１６５４－２－００２０', '２'.repeat(300), '<script>', "' or 1=1 --",
  -1, 0, 0.5, 2 ** 31 - 1, 2 ** 31, 2 ** 53, -(2 ** 63), 1e308, true, false, null, [], {}, [1, 2], { nested: { deeper: 'x' } }
];

const textFields = Object.entries(samples).flatMap(([path, { input }]) =>
  Object.entries(input ?? {})
    .filter(([, value]) => typeof value === 'string')
    .map(([field]) => [path, field] as const)
);

describe(`API input at the edge, on ${driverName}`, () => {
  it('knows every procedure of the router', () => {
    // Read only here, to make sure a new procedure cannot miss these tests.
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual([...paths].sort());
  });

  describe.each(badTexts)('text with %s', (_, bad, named) => {
    it.each(textFields)('%s %s: 400 with the reason in Japanese and English next to the field, and nothing changed', async (path, field) => {
      const before = await snapshot();
      const { status, text } = await send(path, JSON.stringify({ ...samples[path]!.input, [field]: bad }));
      expect(status).toBe(400);
      const { error } = JSON.parse(text) as { error: { data: { reason: { ja: string; en: string }; field: string } } };
      expect(error.data).toMatchObject({ field, reason: { ja: expect.stringContaining('文字'), en: expect.stringContaining(named) } });
      expect(await snapshot()).toEqual(before);
    });
  });

  describe.each(forbiddenClasses)('a typed field holding %s', (_, bad, code) => {
    it.each(typedFields)('%s %s: 400 with a reason naming the field and the character, next to it, and nothing changed', async (path, field, name) => {
      const before = await snapshot();
      const { status, text } = await send(path, typedFieldBody(path, field, bad));
      expect(status, text).toBe(400);
      const { error } = JSON.parse(text) as { error: { data: { reason: { ja: string; en: string }; field: string } } };
      expect(error.data).toMatchObject({
        field,
        reason: { ja: expect.stringContaining(`${name.ja}に使えない文字（制御文字 ${code}）`), en: expect.stringContaining(`${name.en}: contains a character that cannot be used (control character ${code})`) }
      });
      expect(await snapshot()).toEqual(before);
    });
  });

  it('refuses a wrong type or a too long text with a reason next to the field', async () => {
    const wrongType = await send('auth.login', JSON.stringify({ email: 42, password: TEST_PASSWORD }));
    expect(wrongType.status).toBe(400);
    expect(JSON.parse(wrongType.text)).toMatchObject({ error: { data: { field: 'email', reason: { ja: '入力の形式が正しくありません' } } } });
    const tooLong = await send('account.changeNickname', JSON.stringify({ nickname: 'な'.repeat(101) }));
    expect(tooLong.status).toBe(400);
    expect(JSON.parse(tooLong.text)).toMatchObject({ error: { data: { field: 'nickname', reason: { ja: '入力が長すぎます', en: 'This is too long' } } } });
  });

  it.each(paths)('%s: no edge value in any field gets a 500', async (path) => {
    const input = samples[path]!.input ?? {};
    for (const key of [...Object.keys(input), 'extra']) {
      for (const value of edgeValues) {
        const body = JSON.stringify({ ...input, [key]: value });
        const { status, text } = await send(path, body, !endsSessions.has(path));
        expect(status, `${path} ${body.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
      }
    }
  });

  it('never answers 500 to any input, however malformed (fast-check)', async () => {
    const runs = Number(process.env.FUZZ_RUNS ?? 300);
    const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const oddValue = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 20 }).map((text) => `${text}\u0000`),
      fc.constantFrom(...edgeValues)
    );
    /** A procedure's own input with one field replaced, dropped or added: the likeliest to get past the first checks. */
    const mutated = (path: string) => {
      const input = samples[path]!.input ?? {};
      const keys = Object.keys(input);
      return fc.oneof(
        fc.tuple(fc.constantFrom(...(keys.length ? keys : ['x'])), oddValue).map(([key, value]) => JSON.stringify({ ...input, [key]: value })),
        fc.constantFrom(...(keys.length ? keys : ['x'])).map((key) => JSON.stringify({ ...input, [key]: undefined })),
        fc.tuple(fc.string({ maxLength: 10 }), oddValue).map(([key, value]) => JSON.stringify({ ...input, [key]: value })),
        oddValue.map((value) => JSON.stringify(value)),
        fc.integer({ min: 1, max: 100_000 }).map(nested),
        fc.string({ unit: 'binary', maxLength: 100 }).map((text) => `{"${text}`)
      );
    };
    const request = fc.tuple(fc.constantFrom(...paths), fc.boolean()).chain(([path, withSession]) => mutated(path).map((body) => ({ path, withSession, body })));
    await fc.assert(
      fc.asyncProperty(request, async ({ path, withSession, body }) => {
        // A log-out with the sessions would end the ones the other runs use.
        const { status, text } = await send(path, body, withSession && !endsSessions.has(path));
        expect(status, `${path} ${body.slice(0, 200)} → ${text.slice(0, 300)}`).toBeLessThan(500);
      }),
      { seed: Number(process.env.FUZZ_SEED ?? 20261201), numRuns: runs }
    );
  }, 180_000);
});
