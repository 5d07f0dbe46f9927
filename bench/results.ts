import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface Figure {
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  n?: number;
}

export const resultsFile = fileURLToPath(new URL('./results.json', import.meta.url));

/** Merges new figures into bench/results.json, so one bench can be re-run alone. */
export function recordFigures(figures: Record<string, Figure>): void {
  const previous = existsSync(resultsFile) ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Record<string, Figure>) : {};
  writeFileSync(resultsFile, `${JSON.stringify({ ...previous, ...figures }, null, 2)}\n`);
}

/** A figure measured against its baseline in the same run: the ratio says how it compares. */
export function againstBaseline(value: number, unit: string, baseline: number, n?: number): Figure {
  return { value: round(value), unit, baseline: round(baseline), ratio: round(value / baseline, 3), ...(n ? { n } : {}) };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}
