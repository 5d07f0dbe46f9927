import { launch } from 'chrome-launcher';
import lighthouse, { type Flags, type Result } from 'lighthouse';
import { stopServer } from '../tests/integration/support/server-process.js';
import { progress, type Figure } from './results.js';
import { benchPort, chromiumFlags, chromiumPath, serveBuiltApp } from './served-app.js';

/** The public pages, each by the name its figures carry. */
const pages = { home: '/', login: '/login', signup: '/signup', reset: '/reset', help: '/help', simulator: '/simulator', moveIn: '/move-in' };

/** Lighthouse's advice: its figures vary from run to run, so the median of several runs is kept. */
const RUNS = Number(process.env.LIGHTHOUSE_RUNS ?? 3);

const score = (result: Result, category: string) => Math.round((result.categories[category]?.score ?? 0) * 100);
const milliseconds = (result: Result, audit: string) => Math.round(result.audits[audit]?.numericValue ?? NaN);

/** The run whose performance score is the median (Lighthouse's own computeMedianRun picks by its metrics; the score orders them as well). */
function medianRun(runs: Result[]): Result {
  const sorted = [...runs].sort((a, b) => score(a, 'performance') - score(b, 'performance'));
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** One Lighthouse run in a Chromium of its own, started as Lighthouse's command line does (chrome-launcher, headless). */
async function audit(url: string): Promise<Result> {
  const chrome = await launch({ chromePath: chromiumPath, chromeFlags: ['--headless=new', ...chromiumFlags] });
  try {
    const flags: Flags = {
      port: chrome.port,
      output: 'json',
      logLevel: 'error',
      onlyCategories: ['performance', 'accessibility', 'best-practices']
    };
    const outcome = await lighthouse(url, flags);
    if (!outcome) throw new Error(`Lighthouse gave no result for ${url}`);
    if (outcome.lhr.runtimeError) throw new Error(`Lighthouse on ${url}: ${outcome.lhr.runtimeError.message}`);
    return outcome.lhr;
  } finally {
    chrome.kill();
  }
}

/** A run again when Lighthouse says to (on a busy machine it sometimes sees no paint or no navigation in its trace), at most twice. */
async function auditRetried(url: string): Promise<Result> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await audit(url);
    } catch (error) {
      if (attempt === 3) throw error;
      progress(`${(error as Error).message}; running it again`);
    }
  }
}

/**
 * Lighthouse 12's default run — a mobile phone (Moto G Power's screen), simulated slow 4G and a
 * 4× slower CPU — on each public page of the app as `npm start` serves it, a first visit each
 * time (a fresh browser profile each run, and Lighthouse clears the origin's storage too).
 * Its performance, accessibility and best-practices scores, largest contentful paint and total
 * blocking time, from the median of RUNS runs a page.
 */
export async function benchLighthouse(): Promise<Record<string, Figure>> {
  const { server, origin } = await serveBuiltApp(benchPort(4392));
  const figures: Record<string, Figure> = {};
  try {
    for (const [name, path] of Object.entries(pages)) {
      const runs: Result[] = [];
      // A served page, not the server's first answer after start, is what a phone gets.
      await fetch(`${origin}${path}`);
      for (let run = 0; run < RUNS; run++) runs.push(await auditRetried(`${origin}${path}`));
      const median = medianRun(runs);
      progress(
        `${path}: performance ${runs.map((result) => score(result, 'performance')).join(', ')}; median run LCP ${milliseconds(median, 'largest-contentful-paint')} ms, TBT ${milliseconds(median, 'total-blocking-time')} ms`
      );
      Object.assign(figures, {
        [`lighthouse_perf_${name}`]: { value: score(median, 'performance'), unit: 'score', n: RUNS },
        [`lighthouse_lcp_ms_${name}`]: { value: milliseconds(median, 'largest-contentful-paint'), unit: 'ms', n: RUNS },
        [`lighthouse_tbt_ms_${name}`]: { value: milliseconds(median, 'total-blocking-time'), unit: 'ms', n: RUNS },
        [`lighthouse_a11y_${name}`]: { value: score(median, 'accessibility'), unit: 'score', n: RUNS },
        [`lighthouse_best_practices_${name}`]: { value: score(median, 'best-practices'), unit: 'score', n: RUNS }
      });
    }
    return figures;
  } finally {
    await stopServer(server);
  }
}
