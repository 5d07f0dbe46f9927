import { parentPort, workerData } from 'node:worker_threads';
import { checkRows, type RowCheckJob } from './row-check.js';
import { BATCHES_AHEAD } from './check-thread.js';

// A batch may go while fewer than BATCHES_AHEAD are unanswered; the import thread answers each one as it takes it.
const port = parentPort!;
let unanswered = 0;
let answered: (() => void) | undefined;
port.on('message', () => {
  unanswered -= 1;
  answered?.();
});

await checkRows(workerData as RowCheckJob, async (message) => {
  if (message.type === 'rows') {
    while (unanswered >= BATCHES_AHEAD) await new Promise<void>((resolve) => (answered = resolve));
    unanswered += 1;
  }
  port.postMessage(message);
});
