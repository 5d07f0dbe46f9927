import { on } from 'node:events';
import { Worker } from 'node:worker_threads';
import type { RowCheckJob, RowCheckMessage } from './row-check.js';

/** Batches of rows the checking thread may send before the import takes them: one being written, one waiting. */
export const BATCHES_AHEAD = 2;

/** The checking thread's heap: it streams the file, so a file's size never reaches it; a runaway check stops here instead of taking the server. */
const HEAP_MB = 256;

/** The checking thread failed (a crash, its heap full): the import stops with nothing written. */
export class RowCheckFailed extends Error {}

/**
 * Reads and checks a file on a thread of its own (row-check.ts): the parser and the row checks
 * are seconds of CPU for a large file, which on the server's thread would hold every other
 * request up. `took()` tells the thread a rows message was taken, so it sends the next one.
 * One thread per import: imports run one after the other (service.ts's IMPORT_LOCK_KEY), so at
 * most one such thread works for a database at a time, and a thread that dies takes only its
 * import with it.
 */
export function checkRowsOnThread(job: RowCheckJob): { messages: AsyncGenerator<RowCheckMessage>; took(): void } {
  const worker = new Worker(new URL('./check-thread-boot.js', import.meta.url), { workerData: job, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
  async function* messages(): AsyncGenerator<RowCheckMessage> {
    try {
      for await (const [message] of on(worker, 'message', { close: ['exit'] })) {
        yield message as RowCheckMessage;
        if ((message as RowCheckMessage).type === 'done') return;
      }
    } catch (error) {
      throw new RowCheckFailed('the file check thread failed', { cause: error });
    } finally {
      await worker.terminate();
    }
    throw new RowCheckFailed('the file check thread ended before the end of the file');
  }
  return { messages: messages(), took: () => worker.postMessage('took') };
}
