import { describe, expect, it } from 'vitest';
import type { Problem } from '../../domain/import-rows.js';
import { LISTED_BAD_LINES, ProblemLog } from './problem-log.js';

const badDate = (line: number, value = '2026/01/15'): Problem => ({
  line,
  column: 'reading_date',
  value,
  reason: { ja: '日付は YYYY-MM-DD で書いてください', en: 'a date must be written YYYY-MM-DD' }
});

describe('ProblemLog', () => {
  it('lists the first bad lines in full and counts the rest by column and rule', () => {
    const log = new ProblemLog();
    for (let line = 2; line < 2 + LISTED_BAD_LINES + 5000; line += 1) log.addLine(line, [badDate(line)]);
    const summary = log.summary();
    expect(summary.badLines).toBe(LISTED_BAD_LINES + 5000);
    expect(summary.listed).toHaveLength(LISTED_BAD_LINES);
    expect(summary.listed.at(-1)!.line).toBe(LISTED_BAD_LINES + 1);
    expect(summary.unlistedLines).toBe(5000);
    expect(summary.unlisted).toEqual([{ column: 'reading_date', rule: badDate(0).reason, count: 5000 }]);
  });

  it('keeps the lowest lines when lower ones arrive later, counting the pushed-out line by its rule', () => {
    const log = new ProblemLog();
    for (let line = 5000; line < 5000 + LISTED_BAD_LINES; line += 1) log.addLine(line, [badDate(line)]);
    const rule = { ja: '同じキーが前の行にあります', en: 'the same key as an earlier line' };
    log.addLine(3, [{ line: 3, column: 'faucet_no+period', value: '10000001 2026-01', reason: { ja: '2行目と同じキーです', en: 'the same key as line 2' }, rule }]);
    const summary = log.summary();
    expect(summary.listed[0]!.line).toBe(3);
    expect(summary.listed.at(-1)!.line).toBe(5000 + LISTED_BAD_LINES - 2);
    expect(summary.unlisted).toEqual([{ column: 'reading_date', rule: badDate(0).reason, count: 1 }]);
    log.addCounted(10, [{ column: 'faucet_no+period', rule, count: 10 }]);
    expect(log.summary()).toMatchObject({ badLines: LISTED_BAD_LINES + 11, unlistedLines: 11 });
  });

  it('adds a second problem of a listed line beside the first, and cuts long values', () => {
    const log = new ProblemLog();
    log.addLine(2, [badDate(2, 'x'.repeat(70_000))]);
    log.addLine(2, [badDate(2)]);
    const { listed, badLines } = log.summary();
    expect(badLines).toBe(1);
    expect(listed.map((problem) => problem.value.length)).toEqual([201, 10]);
  });

  it('goes on from its state on another thread exactly as it would have, equal counts in the order first seen', () => {
    const other = { ja: '水栓番号の形式が正しくありません', en: "the faucet number does not match the utility's format" };
    // Past the listed lines: one faucet line, then four date lines; on the other thread a date and three faucet lines more.
    const fill = (log: ProblemLog) => {
      for (let line = 2; line < 2 + LISTED_BAD_LINES; line += 1) log.addLine(line, [badDate(line)]);
      log.addLine(LISTED_BAD_LINES + 2, [{ ...badDate(LISTED_BAD_LINES + 2), column: 'faucet_no', reason: other }]);
      for (let line = LISTED_BAD_LINES + 3; line < LISTED_BAD_LINES + 7; line += 1) log.addLine(line, [badDate(line)]);
    };
    const goOn = (log: ProblemLog) => {
      log.addLine(1, [{ ...badDate(1), column: 'faucet_no', reason: other }]);
      log.addCounted(3, [{ column: 'faucet_no', rule: other, count: 4 }]);
    };
    const original = new ProblemLog();
    fill(original);
    const carried = new ProblemLog();
    fill(carried);
    const continued = ProblemLog.from(structuredClone(carried.state));
    goOn(original);
    goOn(continued);
    expect(continued.summary()).toEqual(original.summary());
    expect(continued.summary().unlisted.map((count) => [count.column, count.count])).toEqual([['faucet_no', 5], ['reading_date', 5]]);
    expect(ProblemLog.from(new ProblemLog().state).isEmpty).toBe(true);
  });
});
