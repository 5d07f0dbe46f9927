import { parentPort } from 'node:worker_threads';
import { BATCHES_AHEAD, type CheckThreadRequest } from './check-thread.js';
import { checkRows } from './row-check.js';

/**
 * One file at a time, each with a channel of its own: a batch goes while fewer than
 * BATCHES_AHEAD are untaken, and the import thread says when it takes one. A failure is left
 * uncaught: the thread ends and the import thread reports it.
 */
async function check({ job, port }: CheckThreadRequest) {
  let untaken = 0;
  let taken: (() => void) | undefined;
  port.on('message', () => {
    untaken -= 1;
    taken?.();
  });
  await checkRows(job, async (message) => {
    if (message.type === 'rows') {
      while (untaken >= BATCHES_AHEAD) await new Promise<void>((resolve) => (taken = resolve));
      untaken += 1;
    }
    port.postMessage(message);
  });
  port.close();
}

parentPort!.on('message', (request: CheckThreadRequest) => void check(request));
