import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { systemResolver, type Resolver } from './address-guard.js';
import { createPushSender, pushAgent } from './send.js';
import { SENDING_THREAD_NICENESS, type SendRequest, type SendAnswer, type SendingThreadData } from './send-threads.js';

const { vapid, hosts, ca, maxSockets, resolveAs } = workerData as SendingThreadData;
const resolve: Resolver = async (hostname) => resolveAs?.get(hostname) ?? systemResolver(hostname);

// Linux keeps a niceness per thread, and without a pid this sets this thread's own: when the
// server's thread and this one both want the CPU, requests come first and pushes wait a little.
try {
  setPriority(SENDING_THREAD_NICENESS);
} catch {
  // A system that refuses it leaves the thread at the process's priority: pushes still go.
}

// The same sender as on the main thread: the endpoint rule (PUSH_SERVICE_HOSTS) checked before
// each send, and the agent's guarded lookup refusing private addresses on every connection.
const sender = createPushSender(vapid, hosts, pushAgent({ hosts, ca, maxSockets, resolve }));

parentPort!.on('message', ({ id, target, payload }: SendRequest) => {
  void sender.send(target, payload).then((outcome) => parentPort!.postMessage({ id, outcome } satisfies SendAnswer));
});
