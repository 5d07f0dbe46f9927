import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { SYNC_FORMAT, type PullResponse } from '../src/lib/shared/sync-wire.js';

/**
 * The simulated phones of the bill-day bench, in a process of their own so that the server's CPU
 * is not theirs. Every phone has its own keep-alive connection, its own address in
 * X-Forwarded-For (the server runs with TRUST_PROXY=1, as behind its reverse proxy, so each
 * phone is a client of its own to the per-client limits), its own session cookie, and sends
 * Origin on mutations as a browser does. Any answer but 2xx, or a network error, is an error.
 *
 * Driven over IPC by bench/bill-day-load.ts: it sends one plan, this process answers with the
 * figures. Plans:
 * - `customers`: each customer logs in (arrivals spread over `rampSeconds`), pulls everything
 *   once, then until the end loops: think time, then one action (a pull, marking a notice read,
 *   filing a procedure). Figures are for the whole run, and apart for the requests started in
 *   the measured window after the ramp and for the log-ins.
 * - `healthz`: the same phones, think times and window, every request a GET /healthz: the floor.
 * - `devices`: signed-in devices pulling every `intervalMs`; the parent marks where the spike
 *   starts and when to stop.
 */
interface Customer {
  email: string;
  password: string;
  address: string;
}
interface Device {
  cookie: string;
  address: string;
  /** The Host header when the device's portal is one of several on the server (bench/scale-utilities.ts); the URL's host otherwise. */
  host?: string;
}
export type Plan =
  | { kind: 'customers' | 'healthz'; baseUrl: string; origin: string; customers: Customer[]; rampSeconds: number; windowSeconds: number; thinkMs: [number, number] }
  | { kind: 'devices'; baseUrl: string; devices: Device[]; intervalMs: number };
type CustomerPlan = Extract<Plan, { kind: 'customers' | 'healthz' }>;
export type Message = { plan: Plan } | { mark: 'spike' } | { stop: true };

export interface Stats {
  n: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
}
export interface CustomersReport {
  window: Record<string, Stats>;
  overall: Stats;
  /** Every request of the run, ramp and window, log-ins and first pulls included. */
  all: Stats;
  login: Stats;
  /** Each customer's first, full pull after logging in: nearly all fall in the ramp, so counted over the whole run. */
  firstPull: Stats;
  /** Requests but log-ins during the ramp, while the log-ins' hashing ran: every error counts, wherever it fell. */
  ramp: Stats;
  /** From the first log-in to the window: the ramp, longer than planned when log-ins queued. */
  rampSeconds: number;
  errorSamples: string[];
  windowSeconds: number;
  filings: string[];
  cpuMs: number;
}
export interface DevicesReport {
  before: Stats;
  spike: Stats;
  spikeSeconds: number;
  beforeSeconds: number;
  errorSamples: string[];
  cpuMs: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

interface Answer {
  status: number;
  body: string;
  cookie: string | null;
}

function send(url: string, init: { method?: 'GET' | 'POST'; headers: Record<string, string>; body?: string }): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: init.method ?? 'GET', headers: { 'Accept-Encoding': 'gzip', ...init.headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = (response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
        const cookie = response.headers['set-cookie']?.[0]?.split(';', 1)[0] ?? null;
        resolve({ status: response.statusCode ?? 0, body, cookie });
      });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

interface Sample {
  kind: string;
  at: number;
  ms: number;
  ok: boolean;
}
const samples: Sample[] = [];
const errorSamples: string[] = [];

/** Sends one timed request; records it under `kind`. Answers null on an error (recorded too). */
async function timed(kind: string, url: string, init: Parameters<typeof send>[1]): Promise<Answer | null> {
  const at = performance.now();
  let answer: Answer | null = null;
  let problem = '';
  try {
    answer = await send(url, init);
    if (answer.status < 200 || answer.status > 299) problem = `${answer.status} ${answer.body.slice(0, 200)}`;
  } catch (error) {
    problem = String(error);
  }
  samples.push({ kind, at, ms: performance.now() - at, ok: problem === '' });
  if (problem) {
    if (errorSamples.length < 10) errorSamples.push(`${kind}: ${problem}`);
    return null;
  }
  return answer;
}

const percentile = (sorted: number[], share: number) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!);
function stats(list: Sample[]): Stats {
  const sorted = list.map((sample) => sample.ms).sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return { n: list.length, errors: list.filter((sample) => !sample.ok).length, p50: round(percentile(sorted, 0.5)), p99: round(percentile(sorted, 0.99)), max: round(sorted.at(-1) ?? 0) };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const pullPath = (cursor: number | null, knownLinks: number[]) =>
  `/api/trpc/sync.pull?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { format: SYNC_FORMAT, cursor, knownLinks } }))}`;
const data = <T>(answer: Answer) => (JSON.parse(answer.body) as [{ result: { data: T } }])[0].result.data;

/** What the device keeps between pulls: its cursor, its faucets, its unread notices. */
class DeviceState {
  cursor: number | null = null;
  links: number[] = [];
  unread = new Set<number>();
  take(pulled: PullResponse) {
    this.cursor = pulled.cursor;
    if (pulled.faucets) this.links = pulled.faucets.map((faucet) => faucet.linkId);
    for (const notice of pulled.notices ?? []) {
      if (notice.readAt === null) this.unread.add(notice.id);
      else this.unread.delete(notice.id);
    }
  }
}

/**
 * One customer on bill day: logs in, pulls, then acts every think time until `end`. The mix:
 * 80 % pulls (the app pulls when it comes to the foreground and on its timer; mostly nothing
 * changed), 15 % marking a notice read (a pull follows, as the app's outbox does), 5 % filing
 * a paper-slip request; one filing in five is sent twice with the same client id, as an outbox
 * whose answer was lost resends it: the server must keep one.
 */
async function customer(plan: CustomerPlan, who: Customer, startAt: number, window: Window, filings: string[]) {
  await sleep(startAt - performance.now());
  const base = { 'X-Forwarded-For': who.address };
  const mutation = { ...base, Origin: plan.origin, 'Content-Type': 'application/json' };
  const login = await timed('login', `${plan.baseUrl}/api/trpc/auth.login?batch=1`, {
    method: 'POST',
    headers: mutation,
    body: JSON.stringify({ 0: { email: who.email, password: who.password } })
  });
  window.loggedIn();
  if (!login?.cookie) return;
  const headers = { ...base, Cookie: login.cookie };
  const state = new DeviceState();
  const pull = async (kind: string) => {
    const answer = await timed(kind, `${plan.baseUrl}${pullPath(state.cursor, state.links)}`, { headers });
    if (answer) state.take(data<PullResponse>(answer));
  };
  const post = (kind: string, path: string, input: unknown) =>
    timed(kind, `${plan.baseUrl}/api/trpc/${path}?batch=1`, { method: 'POST', headers: { ...mutation, Cookie: login.cookie! }, body: JSON.stringify({ 0: input }) });
  await pull('first-pull');
  const [least, most] = plan.thinkMs;
  for (;;) {
    await sleep(least + Math.random() * (most - least));
    if (performance.now() >= window.end) return;
    const roll = Math.random();
    const [noticeId] = state.unread;
    if (roll < 0.15 && noticeId !== undefined) {
      state.unread.delete(noticeId);
      if (await post('mark-read', 'noticeReads.mark', { noticeId, clientId: randomUUID() })) await pull('pull');
    } else if (roll > 0.95 && state.links.length > 0) {
      const filing = { clientId: randomUUID(), linkId: state.links[0], kind: 'paper-slip', fields: {} };
      filings.push(filing.clientId);
      await post('file', 'procedures.file', filing);
      if (Math.random() < 0.2) await post('file', 'procedures.file', filing);
    } else {
      await pull('pull');
    }
  }
}

/** The floor: the same phones and think times, every request a GET /healthz (one database round trip). */
async function healthzPhone(plan: CustomerPlan, who: Customer, startAt: number, window: Window) {
  await sleep(startAt - performance.now());
  const [least, most] = plan.thinkMs;
  for (;;) {
    await timed('healthz', `${plan.baseUrl}/healthz`, { headers: { 'X-Forwarded-For': who.address } });
    await sleep(least + Math.random() * (most - least));
    if (performance.now() >= window.end) return;
  }
}

/**
 * The measured window: it opens at the end of the ramp, or once the last customer's log-in has
 * been answered if that is later (log-ins queue for the password check when they come faster
 * than it runs), so that all 500 customers are signed in throughout it.
 */
class Window {
  start = Infinity;
  end = Infinity;
  #waiting: number;
  constructor(
    private readonly rampEnd: number,
    private readonly seconds: number,
    customers: number
  ) {
    this.#waiting = customers;
    if (customers === 0) this.#open();
  }
  loggedIn() {
    this.#waiting -= 1;
    if (this.#waiting === 0) this.#open();
  }
  #open() {
    this.start = Math.max(this.rampEnd, performance.now());
    this.end = this.start + this.seconds * 1000;
  }
}

async function runCustomers(plan: CustomerPlan): Promise<CustomersReport> {
  const cpu = process.cpuUsage();
  const start = performance.now();
  const window = new Window(start + plan.rampSeconds * 1000, plan.windowSeconds, plan.kind === 'customers' ? plan.customers.length : 0);
  const filings: string[] = [];
  const count = plan.customers.length;
  await Promise.all(
    plan.customers.map((who, index) => {
      const startAt = start + (plan.rampSeconds * 1000 * index) / count;
      return plan.kind === 'customers' ? customer(plan, who, startAt, window, filings) : healthzPhone(plan, who, startAt, window);
    })
  );
  // A customer checks the clock before each action, so no request starts after the window.
  const inWindow = samples.filter((sample) => sample.kind !== 'login' && sample.at >= window.start);
  const kinds = [...new Set(inWindow.map((sample) => sample.kind))];
  const used = process.cpuUsage(cpu);
  return {
    window: Object.fromEntries(kinds.map((kind) => [kind, stats(inWindow.filter((sample) => sample.kind === kind))])),
    overall: stats(inWindow),
    all: stats(samples),
    login: stats(samples.filter((sample) => sample.kind === 'login')),
    firstPull: stats(samples.filter((sample) => sample.kind === 'first-pull')),
    ramp: stats(samples.filter((sample) => sample.kind !== 'login' && sample.at < window.start)),
    rampSeconds: (window.start - start) / 1000,
    errorSamples,
    windowSeconds: plan.windowSeconds,
    filings,
    cpuMs: (used.user + used.system) / 1000
  };
}

const deviceHeaders = (device: Device): Record<string, string> => ({
  Cookie: device.cookie,
  'X-Forwarded-For': device.address,
  ...(device.host ? { Host: device.host } : {})
});

/** Devices pulling on a timer, spread over the interval, until told to stop; each keeps its cursor as the app does. */
async function runDevices(plan: Extract<Plan, { kind: 'devices' }>, marks: { spike: number | null; stop: Promise<void>; stopped: boolean }): Promise<DevicesReport> {
  const states = plan.devices.map(() => new DeviceState());
  // Untimed: each device's first pull (its whole history), as it had before the day began.
  await Promise.all(
    plan.devices.map(async (device, index) => {
      const answer = await send(`${plan.baseUrl}${pullPath(null, [])}`, { headers: deviceHeaders(device) });
      if (answer.status !== 200) throw new Error(`first pull answered ${answer.status}`);
      states[index]!.take(data<PullResponse>(answer));
    })
  );
  process.send!({ ready: true });
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    plan.devices.map(async (device, index) => {
      const state = states[index]!;
      for (let due = start + (plan.intervalMs * index) / plan.devices.length; !marks.stopped; due += plan.intervalMs) {
        await Promise.race([sleep(due - performance.now()), marks.stop]);
        if (marks.stopped) return;
        const answer = await timed('pull', `${plan.baseUrl}${pullPath(state.cursor, state.links)}`, { headers: deviceHeaders(device) });
        if (answer) state.take(data<PullResponse>(answer));
      }
    })
  );
  const stopAt = performance.now();
  const spike = marks.spike ?? stopAt;
  const used = process.cpuUsage(cpu);
  return {
    before: stats(samples.filter((sample) => sample.at < spike)),
    spike: stats(samples.filter((sample) => sample.at >= spike)),
    beforeSeconds: (spike - start) / 1000,
    spikeSeconds: (stopAt - spike) / 1000,
    errorSamples,
    cpuMs: (used.user + used.system) / 1000
  };
}

let stopNow: () => void = () => {};
const marks = { spike: null as number | null, stop: new Promise<void>((resolve) => (stopNow = resolve)), stopped: false };
process.on('message', (message: Message) => {
  if ('mark' in message) marks.spike = performance.now();
  else if ('stop' in message) {
    marks.stopped = true;
    stopNow();
  } else {
    const { plan } = message;
    const run = plan.kind === 'devices' ? runDevices(plan, marks) : runCustomers(plan);
    run.then(
      (report) => process.send!({ report }, () => process.exit(0)),
      (error: unknown) => {
        process.stderr.write(`${String(error)}\n`);
        process.exit(1);
      }
    );
  }
});
