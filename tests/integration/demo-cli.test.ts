import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headers } from './support/import-files.js';
import { demoProfilePath } from '../../server/config.js';
import { runCommand, type CommandRun } from './support/server-process.js';

/** Runs server/cli/demo.ts as `npm run demo --` does, with a clean environment but for the demo profile alone. */
const runDemo = (args: string[], env: Record<string, string> = { UTILITY_CONFIG: demoProfilePath }) => runCommand('server/cli/demo.ts', args, env);

// The demo writes every column of INTERFACES.md, the optional meter_size_mm and district too, which the other tests' customers files leave out.
const demoHeaders = { ...headers, customers: `${headers.customers},meter_size_mm,district` };
const files = Object.entries(demoHeaders).map(([kind, header]) => ({ name: `${kind}.csv`, header }));

const scratch = mkdtempSync(path.join(tmpdir(), 'portal-demo-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// --end pins the periods, so runs on either side of a month's end still agree.
const sameArguments = ['--faucets', '50', '--months', '24', '--seed', '7', '--end', '2025-03'];
const outputs = { first: path.join(scratch, 'first'), second: path.join(scratch, 'second'), sjis: path.join(scratch, 'sjis') };
const read = (dir: string, name: string) => readFileSync(path.join(dir, name));

describe('npm run demo', () => {
  let runs: Record<keyof typeof outputs, CommandRun>;
  beforeAll(async () => {
    runs = {
      first: runDemo([...sameArguments, '--out', outputs.first]),
      second: runDemo([...sameArguments, '--out', outputs.second]),
      sjis: runDemo([...sameArguments, '--out', outputs.sjis, '--encoding', 'sjis'])
    };
    await Promise.all(Object.values(runs).map((run) => run.exited));
  });

  it('exits 0 and writes the four import files with their headers, CRLF line ends and no BOM', async () => {
    for (const run of Object.values(runs)) expect(await run.exited, run.stderr()).toBe(0);
    expect(readdirSync(outputs.first).sort()).toEqual(files.map(({ name }) => name).sort());
    for (const { name, header } of files) {
      const text = read(outputs.first, name).toString('utf8');
      expect(text.startsWith(`${header}\r\n`), name).toBe(true);
      expect(text.replaceAll('\r\n', ''), name).not.toContain('\n');
    }
    expect(read(outputs.first, 'customers.csv').toString('utf8').trimEnd().split('\r\n')).toHaveLength(51);
  });

  it('writes byte-identical files when run again with the same arguments', () => {
    for (const { name } of files) expect(read(outputs.second, name).equals(read(outputs.first, name)), name).toBe(true);
  });

  it('writes Shift_JIS (CP932) that decodes to the same text, extension characters included', () => {
    for (const { name } of files) {
      expect(iconv.decode(read(outputs.sjis, name), 'cp932'), name).toBe(read(outputs.first, name).toString('utf8'));
    }
    const customers = read(outputs.sjis, 'customers.csv');
    expect(customers.equals(read(outputs.first, 'customers.csv'))).toBe(false);
    expect(iconv.decode(customers, 'cp932')).toContain('髙橋');
    expect(iconv.decode(customers, 'cp932')).toContain('①');
  });

  it('names the faucet to try sign-up with', () => {
    expect(runs.first.stdout()).toMatch(/\d{8} +[\d-]+ +demo: /);
  });

  it('writes a relative --out where the operator typed the command, not in the project folder', async () => {
    const run = runDemo(['--faucets', '3', '--months', '2', '--out', 'relative'], { INIT_CWD: scratch, UTILITY_CONFIG: demoProfilePath });
    expect(await run.exited, run.stderr()).toBe(0);
    expect(existsSync(path.join(scratch, 'relative', 'customers.csv'))).toBe(true);
  });

  it.each([
    ['a word for a number', ['--faucets', 'many']],
    ['no faucets', ['--faucets', '0']],
    ['too many faucets', ['--faucets', '100001']],
    ['no months', ['--months', '0']],
    ['too many months', ['--months', '121']],
    ['a bad period', ['--end', '2025-13']],
    ['a bad encoding', ['--encoding', 'latin1']],
    ['an unknown option', ['--colour', 'blue']]
  ])('exits 2 with the usage for %s', async (_case, args) => {
    const run = runDemo([...args, '--out', path.join(scratch, 'refused')]);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('usage: npm run demo -- --faucets N');
    expect(existsSync(path.join(scratch, 'refused'))).toBe(false);
  });

  it('exits 2 without --out', async () => {
    const run = runDemo(['--faucets', '5']);
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain('--out');
  });
});
