import type { LookupAddress } from 'node:dns';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PushServiceHost } from './push-endpoint.js';
import type { PushOutcome, PushSender, PushTarget } from './send.js';
import type { VapidKeys } from './vapid.js';

/** Added to the sending threads' niceness (Linux: per thread), so they yield to the thread that answers requests. */
export const SENDING_THREAD_NICENESS = 10;

/** What each sending thread starts with. */
export interface SendingThreadData {
  vapid: VapidKeys;
  hosts: readonly PushServiceHost[];
  /** A push service certificate to trust besides the system's (tests' own push service). */
  ca?: string;
  maxSockets: number;
  /** Names the threads resolve to these addresses instead of asking DNS: a test's stand-in for a push service's name. */
  resolveAs?: Map<string, LookupAddress[]>;
}

export interface SendRequest {
  id: number;
  target: PushTarget;
  payload: unknown;
}

export interface SendAnswer {
  id: number;
  outcome: PushOutcome;
}

export interface ThreadedPushSender extends PushSender {
  /** Stops the threads; sends still waiting answer `retry`, as a lease that runs out would. */
  close(): Promise<void>;
}

/** Every core but the one serving requests, at least one thread and at most four. */
export const defaultSendingThreads = () => Math.min(4, Math.max(1, availableParallelism() - 1));

interface SendingThread {
  worker: Worker;
  waiting: Map<number, (outcome: PushOutcome) => void>;
}

/**
 * Sends pushes on worker threads: the ECDH, the AES-GCM encryption and the TLS of every message
 * are CPU the server's own thread would otherwise spend while devices wait for their pulls (in
 * the bill-day bench the fan-out took most of the event loop, pulls' p99 402 ms). Each thread
 * runs the same sender as the main thread would (send.ts): the endpoint rule and the guarded
 * lookup hold there as here. Claiming and recording stay with the caller, on the main thread,
 * each in one statement: a thread only sends and answers what became of the send. A send goes
 * to the thread with the fewest under way. A thread that dies answers its sends `retry` and is
 * replaced at the next send.
 */
export function createThreadedPushSender(
  vapid: VapidKeys,
  hosts: readonly PushServiceHost[],
  options: { threads?: number; maxSockets?: number } & Pick<SendingThreadData, 'ca' | 'resolveAs'> = {}
): ThreadedPushSender {
  const { threads: count = defaultSendingThreads(), maxSockets = 64, ...rest } = options;
  const data: SendingThreadData = { vapid, hosts, maxSockets, ...rest };
  const threads: (SendingThread | undefined)[] = Array.from({ length: count }, () => undefined);
  let nextId = 0;
  let closed = false;

  const start = (slot: number): SendingThread => {
    const worker = new Worker(new URL('./send-thread-boot.js', import.meta.url), { workerData: data });
    // An idle thread never keeps a process alive (a command, a test); one with sends under way does.
    worker.unref();
    const thread: SendingThread = { worker, waiting: new Map() };
    worker.on('message', ({ id, outcome }: SendAnswer) => {
      thread.waiting.get(id)?.(outcome);
      thread.waiting.delete(id);
      if (thread.waiting.size === 0) worker.unref();
    });
    const ended = (reason: string) => {
      if (threads[slot] === thread) threads[slot] = undefined;
      for (const answer of thread.waiting.values()) answer({ outcome: 'retry', reason });
      thread.waiting.clear();
    };
    worker.on('error', (error) => ended(`push thread failed: ${error.message}`));
    worker.on('exit', (code) => ended(`push thread exited (${code})`));
    threads[slot] = thread;
    return thread;
  };

  const leastBusy = (): SendingThread => {
    let chosen: { slot: number; load: number } | undefined;
    for (const [slot, thread] of threads.entries()) {
      const load = thread?.waiting.size ?? 0;
      if (!chosen || load < chosen.load) chosen = { slot, load };
    }
    return threads[chosen!.slot] ?? start(chosen!.slot);
  };

  // Started now, not at the first send: a thread takes a second or more to load its modules,
  // which would otherwise fall on the first fan-out, the moment the server is busiest.
  for (const slot of threads.keys()) start(slot);

  return {
    send(target, payload) {
      if (closed) return Promise.resolve({ outcome: 'retry', reason: 'push threads closed' });
      const thread = leastBusy();
      const id = (nextId += 1);
      return new Promise((resolve) => {
        if (thread.waiting.size === 0) thread.worker.ref();
        thread.waiting.set(id, resolve);
        // Plain fields only: the row the claim returned carries more than the push needs.
        thread.worker.postMessage({ id, target: { endpoint: target.endpoint, p256dh: target.p256dh, auth: target.auth }, payload } satisfies SendRequest);
      });
    },
    async close() {
      closed = true;
      await Promise.all(threads.map((thread) => thread?.worker.terminate()));
    }
  };
}
