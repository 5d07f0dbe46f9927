import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';

/**
 * The clients of the sync bench, in a process of their own so that their work is not counted
 * against the server's. Each client is one device: a keep-alive connection that pulls with its
 * own cursor and cookie. Two phases: flat out (each client pulls again as soon as it has its
 * answer: the server's capacity), then paced (every client pulls at a fixed interval: the
 * latency a device sees on a server that is busy but not overrun).
 *
 * Arguments: a JSON file of [{ url, cookie }], the flat-out seconds, the paced seconds, and the
 * paced interval per client in milliseconds. Prints { rps, n, saturatedP99, pacedP99, pacedN } as JSON.
 */
const [clientsFile, flatOutSeconds, pacedSeconds, intervalMs] = process.argv.slice(2) as [string, string, string, string];
const clients = JSON.parse(readFileSync(clientsFile, 'utf8')) as { url: string; cookie: string }[];

const agent = new Agent({ keepAlive: true, maxSockets: clients.length });

function pull({ url, cookie }: { url: string; cookie: string }): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { agent, headers: { Cookie: cookie, 'Accept-Encoding': 'gzip' } }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`pull answered ${response.statusCode}`))));
    })
      .on('error', reject)
      .end();
  });
}

async function flatOut(seconds: number): Promise<number[]> {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  await Promise.all(
    clients.map(async (client) => {
      while (performance.now() < deadline) latencies.push(await pull(client));
    })
  );
  return latencies;
}

async function paced(seconds: number, interval: number): Promise<number[]> {
  const latencies: number[] = [];
  const start = performance.now();
  const deadline = start + seconds * 1000;
  await Promise.all(
    clients.map(async (client, index) => {
      // Spread over the interval, so the clients do not all knock at once.
      for (let due = start + (interval * index) / clients.length; due < deadline; due += interval) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        latencies.push(await pull(client));
      }
    })
  );
  return latencies;
}

const percentile = (sorted: number[], share: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))]!;

// Warm the connections and the server's statement caches first.
await Promise.all(clients.map(pull));
const saturated = (await flatOut(Number(flatOutSeconds))).sort((a, b) => a - b);
const steady = (await paced(Number(pacedSeconds), Number(intervalMs))).sort((a, b) => a - b);
agent.destroy();
process.stdout.write(
  `${JSON.stringify({ rps: saturated.length / Number(flatOutSeconds), n: saturated.length, saturatedP99: percentile(saturated, 0.99), pacedP99: percentile(steady, 0.99), pacedN: steady.length })}\n`
);
