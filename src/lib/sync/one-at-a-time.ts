/**
 * Wraps a job so that it never runs twice at once. A call while it runs asks for one more run
 * after it (the running one may have started before whatever caused the call) and waits for
 * that; any number of such calls make a single extra run.
 */
export function oneAtATime(job: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await job();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
}
