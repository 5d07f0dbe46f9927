import { describe, expect, it } from 'vitest';
import { oneAtATime } from './one-at-a-time';

/** A job that records when each run starts and ends, and finishes only when told. */
function recordedJob() {
  const events: string[] = [];
  const finishers: (() => void)[] = [];
  let runs = 0;
  const job = () => {
    const run = ++runs;
    events.push(`start ${run}`);
    return new Promise<void>((resolve) => finishers.push(() => (events.push(`end ${run}`), resolve())));
  };
  const finishNext = async () => {
    await new Promise((resolve) => setTimeout(resolve, 0));
    finishers.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { job, events, finishNext };
}

describe('oneAtATime', () => {
  it('runs a lone call once', async () => {
    const { job, events, finishNext } = recordedJob();
    const run = oneAtATime(job);
    const done = run();
    await finishNext();
    await done;
    expect(events).toEqual(['start 1', 'end 1']);
  });

  it('never overlaps runs: calls during a run make exactly one more run, after it', async () => {
    const { job, events, finishNext } = recordedJob();
    const run = oneAtATime(job);
    const first = run();
    const second = run();
    const third = run();
    await finishNext();
    expect(events).toEqual(['start 1', 'end 1', 'start 2']);
    await finishNext();
    await Promise.all([first, second, third]);
    expect(events).toEqual(['start 1', 'end 1', 'start 2', 'end 2']);
  });

  it('starts afresh once idle, and keeps going after a run that failed', async () => {
    let calls = 0;
    const run = oneAtATime(async () => {
      calls += 1;
      if (calls === 1) throw new Error('offline');
    });
    await expect(run()).rejects.toThrow('offline');
    await run();
    expect(calls).toBe(2);
  });
});
