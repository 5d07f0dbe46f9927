/**
 * At most `count` tasks at once; the rest wait their turn in order of arrival. A task that
 * fails frees its lane like one that succeeds.
 */
export function lanes(count: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running -= 1;
  };
  return async (task) => {
    if (running < count) running += 1;
    // The lane passes straight from the task that ends to the next in line: `running` stays the same.
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
