import type { Localized } from '../../../src/lib/shared/localized.js';
import type { Problem } from '../../domain/import-rows.js';

/** The report lists this many bad lines in full: enough to fix a file by, few enough to read. */
export const LISTED_BAD_LINES = 1000;

/** A listed value is cut to this many characters: a 64 KiB field a thousand times would be 64 MB. */
const SHOWN_VALUE_CHARS = 200;

/** Problems of the lines beyond the listed ones, counted by column and rule. */
export interface RuleCount {
  column: string;
  rule: Localized;
  count: number;
}

export interface ProblemSummary {
  /** Every bad line of the file, listed or not. */
  badLines: number;
  /** The first LISTED_BAD_LINES bad lines' problems, by line. */
  listed: Problem[];
  unlistedLines: number;
  unlisted: RuleCount[];
}

/** A log as plain data, to carry it to another thread and go on with it there (ProblemLog.from). */
export interface ProblemLogState {
  listed: [line: number, problems: Problem[]][];
  unlistedLines: number;
  /** In the order first counted: the summary sorts equal counts by it. */
  unlisted: RuleCount[];
}

const shorten = (problem: Problem): Problem =>
  problem.value.length <= SHOWN_VALUE_CHARS ? problem : { ...problem, value: `${problem.value.slice(0, SHOWN_VALUE_CHARS)}…` };

const ruleOf = (problem: Problem): Localized => problem.rule ?? problem.reason;

/**
 * A file's bad lines in constant memory: the lowest-numbered LISTED_BAD_LINES lines in full,
 * every other one only counted by rule. Lines may arrive out of order (the database checks
 * come after the row checks), so a lower line pushes the highest listed one into the counts.
 */
export class ProblemLog {
  readonly #listed = new Map<number, Problem[]>();
  #highestListed = 0;
  #unlistedLines = 0;
  readonly #unlisted = new Map<string, RuleCount>();

  /** A log that goes on from another's state exactly as the other would have. */
  static from(state: ProblemLogState): ProblemLog {
    const log = new ProblemLog();
    for (const [line, problems] of state.listed) log.#listed.set(line, problems);
    log.#highestListed = Math.max(0, ...log.#listed.keys());
    log.addCounted(state.unlistedLines, state.unlisted);
    return log;
  }

  get state(): ProblemLogState {
    return { listed: [...this.#listed], unlistedLines: this.#unlistedLines, unlisted: [...this.#unlisted.values()] };
  }

  get isEmpty(): boolean {
    return this.#listed.size === 0;
  }

  /** One bad line with all of its problems. */
  addLine(line: number, problems: Problem[]): void {
    const listed = this.#listed.get(line);
    if (listed) {
      listed.push(...problems.map(shorten));
      return;
    }
    if (this.#listed.size >= LISTED_BAD_LINES) {
      if (line > this.#highestListed) {
        this.#countUnlisted(problems, 1);
        return;
      }
      this.#countUnlisted(this.#listed.get(this.#highestListed)!, 1);
      this.#listed.delete(this.#highestListed);
      this.#highestListed = Math.max(...this.#listed.keys());
    }
    this.#listed.set(line, problems.map(shorten));
    this.#highestListed = Math.max(this.#highestListed, line);
  }

  /** Lines found and counted elsewhere (in the database), all of them above every listed line. */
  addCounted(lines: number, counts: RuleCount[]): void {
    this.#unlistedLines += lines;
    for (const count of counts) this.#count(count.column, count.rule, count.count);
  }

  summary(): ProblemSummary {
    const lines = [...this.#listed.keys()].sort((a, b) => a - b);
    return {
      badLines: this.#listed.size + this.#unlistedLines,
      listed: lines.flatMap((line) => this.#listed.get(line)!),
      unlistedLines: this.#unlistedLines,
      unlisted: [...this.#unlisted.values()].sort((a, b) => b.count - a.count)
    };
  }

  #countUnlisted(problems: Problem[], lines: number): void {
    this.#unlistedLines += lines;
    for (const problem of problems) this.#count(problem.column, ruleOf(problem), 1);
  }

  #count(column: string, rule: Localized, count: number): void {
    const key = `${column}\u0000${rule.ja}\u0000${rule.en}`;
    const counted = this.#unlisted.get(key);
    if (counted) counted.count += count;
    else this.#unlisted.set(key, { column, rule, count });
  }
}
