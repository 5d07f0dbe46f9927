import { on } from 'node:events';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { RowCheckJob, RowCheckMessage } from './row-check.js';

/** Batches of rows the checking thread may send before the import takes them: one being written, one waiting. */
export const BATCHES_AHEAD = 2;

/** The checking thread's heap: it streams the file, so a file's size never reaches it; a runaway check stops here instead of taking the server. */
const HEAP_MB = 256;

/** What the thread is given for each file: the file, and the channel its messages go back by. */
export interface CheckThreadRequest {
  job: RowCheckJob;
  port: MessagePort;
}

/** The checking thread failed (a crash, its heap full): the import stops with nothing written. */
export class RowCheckFailed extends Error {}

/** The one checking thread, started by the first file read row by row; it waits idle between files (unref'd: it never keeps a process alive). */
let thread: Worker | undefined;
/** Files queue for the thread one at a time: imports take turns anyway (service.ts's IMPORT_LOCK_KEY). */
let turn: Promise<void> = Promise.resolve();

function checkingThread(): Worker {
  if (!thread) {
    const started = new Worker(new URL('./check-thread-boot.js', import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
    started.unref();
    // A thread that failed is never given another file; its failure is its file's (below).
    const forget = () => {
      if (thread === started) thread = undefined;
    };
    started.once('error', forget);
    started.once('exit', forget);
    thread = started;
  }
  return thread;
}

/**
 * Reads and checks a file on a thread apart (row-check.ts): parsing and checking a large file
 * is seconds of CPU, which on the server's thread would hold every other request up.
 * `took()` tells the thread a rows message was taken, so that it sends another. A thread that
 * dies (its heap full, a bug) fails this file's import with RowCheckFailed, and the next file
 * gets a new thread; so does a file whose import stopped before the end (the thread is
 * stopped with it).
 */
export function checkRowsOnThread(job: RowCheckJob): { messages: AsyncGenerator<RowCheckMessage>; took(): void } {
  const channel = new MessageChannel();
  async function* messages(): AsyncGenerator<RowCheckMessage> {
    const previous = turn;
    let next: () => void = () => {};
    turn = new Promise((resolve) => (next = resolve));
    await previous;
    let worker: Worker | undefined;
    let failure: unknown;
    let finished = false;
    const fail = (cause: unknown) => {
      failure ??= cause;
      channel.port1.close();
    };
    const exited = (code: number) => fail(new Error(`the thread exited with code ${code}`));
    try {
      worker = checkingThread();
      worker.on('error', fail).on('exit', exited);
      const request: CheckThreadRequest = { job, port: channel.port2 };
      worker.postMessage(request, [channel.port2]);
      for await (const [message] of on(channel.port1, 'message', { close: ['close'] })) {
        yield message as RowCheckMessage;
        if ((message as RowCheckMessage).type === 'done') {
          finished = true;
          return;
        }
      }
      throw new RowCheckFailed('the file check thread failed', { cause: failure });
    } finally {
      worker?.off('error', fail).off('exit', exited);
      channel.port1.close();
      // Stopped before its done (a failure on either side): whatever the thread was doing goes with it.
      if (worker && !finished) await worker.terminate();
      next();
    }
  }
  return { messages: messages(), took: () => channel.port1.postMessage('took') };
}
