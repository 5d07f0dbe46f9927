import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The boundaries of shared/spec/ARCHITECTURE.md must hold, so each fixture is linted as if it
 * stood at its path under fixtures/ (fixtures/server/domain/x.ts as server/domain/x.ts): its
 * imports resolve against the real tree. Its first line names the rules that must reject it,
 * or `nothing` for what each zone allows.
 */
const root = join(import.meta.dirname, '../..');
const fixtures = join(import.meta.dirname, 'fixtures');
const files = readdirSync(fixtures, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
const eslint = new ESLint({ cwd: root });

describe('import boundaries', () => {
  it.each(files)('%s', { timeout: 60_000 }, async (file) => {
    const code = readFileSync(join(fixtures, file), 'utf8');
    const expected = /^\/\/ expect: (.+)$/m.exec(code)?.[1];
    expect(expected, 'the fixture names its rules on its first line').toBeDefined();

    const [result] = await eslint.lintText(code, { filePath: join(root, file) });
    const rules = [...new Set(result!.messages.map((message) => message.ruleId ?? message.message))].sort();
    expect(rules).toEqual(expected === 'nothing' ? [] : expected!.split(', ').sort());
  });
});
