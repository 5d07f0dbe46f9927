import { describe, expect, it } from 'vitest';
import { lanes } from './lanes';

/** A task that ends when told to, recording when it started. */
function gate(log: string[], name: string) {
  let open: (value: string) => void = () => {};
  let fail: (error: Error) => void = () => {};
  const done = new Promise<string>((resolve, reject) => ((open = resolve), (fail = reject)));
  return {
    task: () => (log.push(name), done),
    open: () => open(name),
    fail: () => fail(new Error(name))
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('lanes', () => {
  it('runs at most `count` tasks at once and starts the rest in order of arrival as lanes free', async () => {
    const run = lanes(2);
    const started: string[] = [];
    const tasks = ['a', 'b', 'c', 'd'].map((name) => gate(started, name));
    const results = tasks.map((task) => run(task.task));
    await settle();
    expect(started).toEqual(['a', 'b']);
    tasks[1]!.open();
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    tasks[0]!.open();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    tasks[2]!.open();
    tasks[3]!.open();
    expect(await Promise.all(results)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('frees the lane of a task that fails, and passes the failure to its caller', async () => {
    const run = lanes(1);
    const started: string[] = [];
    const first = gate(started, 'first');
    const second = gate(started, 'second');
    const failed = run(first.task);
    const next = run(second.task);
    await settle();
    expect(started).toEqual(['first']);
    first.fail();
    await expect(failed).rejects.toThrow('first');
    await settle();
    expect(started).toEqual(['first', 'second']);
    second.open();
    expect(await next).toBe('second');
  });

  it('starts a task at once again when every lane has come free', async () => {
    const run = lanes(1);
    const started: string[] = [];
    await run(async () => 'done');
    const later = gate(started, 'later');
    const result = run(later.task);
    expect(started).toEqual(['later']);
    later.open();
    expect(await result).toBe('later');
  });
});
