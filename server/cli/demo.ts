import { parseArgs } from 'node:util';
import { isPeriod } from '../../src/lib/shared/periods.js';
import { lastCompleteMonth } from '../domain/calendar.js';
import type { ImportKind } from '../domain/import-rows.js';
import { featuredFaucets, generateDemo, utilityDemoOptions, type DemoOptions } from '../demo/generate.js';
import { writeDemoFiles, type DemoEncoding } from '../demo/write.js';
import { commandConfig, UTILITY_USAGE, utilityOption } from './command.js';
import { exitWithUsage, resolveFromCaller, UsageError } from './usage.js';

const usage =
  `npm run demo -- --faucets N --months M --seed S --out DIR [--encoding utf8|sjis] [--end YYYY-MM] ${UTILITY_USAGE}\n` +
  '  N 1–100000 (300), M 1–120 (24), S 0–4294967295 (1), --end the last billed period (last month in Asia/Tokyo)';

function wholeNumber(option: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`--${option} must be a whole number, not "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new UsageError(`--${option} must be from ${min} to ${max}, not ${text}`);
  return value;
}

type Arguments = Pick<DemoOptions, 'faucets' | 'months' | 'seed' | 'endPeriod'> & { out: string; encoding: DemoEncoding; utility: string | undefined };

function readArguments(): Arguments {
  try {
    const { values } = parseArgs({
      options: {
        faucets: { type: 'string', default: '300' },
        months: { type: 'string', default: '24' },
        seed: { type: 'string', default: '1' },
        out: { type: 'string' },
        encoding: { type: 'string', default: 'utf8' },
        end: { type: 'string' },
        ...utilityOption
      }
    });
    if (!values.out) throw new UsageError('--out DIR is required');
    if (values.encoding !== 'utf8' && values.encoding !== 'sjis') {
      throw new UsageError(`--encoding must be utf8 or sjis, not "${values.encoding}"`);
    }
    if (values.end !== undefined && !isPeriod(values.end)) {
      throw new UsageError(`--end must be a period YYYY-MM, not "${values.end}"`);
    }
    return {
      faucets: wholeNumber('faucets', values.faucets, 1, 100_000),
      months: wholeNumber('months', values.months, 1, 120),
      seed: wholeNumber('seed', values.seed, 0, 2 ** 32 - 1),
      endPeriod: values.end ?? lastCompleteMonth(new Date()),
      out: resolveFromCaller(values.out),
      encoding: values.encoding,
      utility: values.utility
    };
  } catch (error) {
    if (error instanceof UsageError) exitWithUsage(error, usage);
    // parseArgs reports unknown options and missing values as TypeErrors.
    if (error instanceof TypeError) exitWithUsage(new UsageError(error.message), usage);
    throw error;
  }
}

/** One line that updates in place on a terminal; a line every 25 % when stderr goes to a file or a test. */
function progressReporter(stream: NodeJS.WriteStream): (done: number, total: number, file: ImportKind) => void {
  let lastShown = '';
  return (done, total, file) => {
    const percent = Math.floor((done * 100) / total);
    const step = stream.isTTY ? percent : percent - (percent % 25);
    if (`${file} ${step}` === lastShown) return;
    lastShown = `${file} ${step}`;
    const line = `${file} ${done.toLocaleString('en')} / ${total.toLocaleString('en')} faucets (${percent}%)`;
    if (stream.isTTY) stream.write(`\r\x1b[K${line}${done === total ? '\n' : ''}`);
    else stream.write(`${line}\n`);
  };
}

const { out, encoding, utility, ...demo } = readArguments();
const { profile } = commandConfig(utility, usage);
const options: DemoOptions = { ...demo, ...utilityDemoOptions(profile) };
const rowCounts = await writeDemoFiles(out, generateDemo(options), {
  encoding,
  onProgress: progressReporter(process.stderr)
}).catch((error: unknown) => {
  process.stderr.write(`\ncannot write the demo files: ${(error as Error).message}\n`);
  process.exit(1);
});

const written = Object.entries(rowCounts).map(([file, rows]) => `  ${file}.csv  ${rows.toLocaleString('en')} rows`);
const featured = featuredFaucets(options).map(
  ({ story, faucetNo, phone, note }) => `  ${faucetNo}  ${(phone || '(no phone)').padEnd(13)}  ${story}: ${note}`
);
process.stdout.write(
  `wrote ${out} (${encoding}, periods up to ${options.endPeriod}):\n${written.join('\n')}\n` +
    `faucets worth a look:\n${featured.join('\n')}\n`
);
