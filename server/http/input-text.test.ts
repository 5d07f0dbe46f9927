import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inputProblem, MAX_INPUT_DEPTH } from './input-text.js';

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { inner: nested(depth - 1) });

describe('inputProblem', () => {
  it('passes ordinary text, Japanese and emoji included', () => {
    expect(inputProblem({ nickname: '名寄 太郎 🚰', email: 'a@b.jp', consent: true, n: 1, none: null })).toBeNull();
  });

  it('names the field that holds U+0000, at any depth', () => {
    expect(inputProblem({ email: 'a@b.jp', nickname: 'ab\u0000c' })).toMatchObject({ field: 'nickname', reason: { ja: expect.stringContaining('U+0000') } });
    expect(inputProblem({ form: { lines: ['ok', 'x\u0000'] } })).toMatchObject({ field: 'form' });
    expect(inputProblem('\u0000')).toMatchObject({ field: null });
  });

  it('refuses lone surrogates but not surrogate pairs', () => {
    expect(inputProblem({ label: '\ud800' })).toMatchObject({ field: 'label', reason: { en: expect.stringContaining('lone surrogate') } });
    expect(inputProblem({ label: 'a\udc00b' })).toMatchObject({ field: 'label' });
    expect(inputProblem({ label: '\ud83d\udeb0' })).toBeNull();
  });

  it('checks keys as well as values', () => {
    expect(inputProblem({ 'a\u0000': 1 })).toMatchObject({ field: 'a\u0000' });
  });

  it('refuses inputs nested deeper than any form, without recursing', () => {
    expect(inputProblem(nested(MAX_INPUT_DEPTH - 1))).toBeNull();
    expect(inputProblem(nested(MAX_INPUT_DEPTH + 1))).toMatchObject({ field: 'inner', reason: { en: expect.stringContaining('nested') } });
    let deep: unknown = 'x';
    for (let depth = 0; depth < 100_000; depth += 1) deep = [deep];
    expect(inputProblem(deep)).toMatchObject({ field: '0' });
  });

  it('finds a bad character wherever it is put in any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.constantFrom('\u0000', '\ud800', '\udfff'), (value, bad) => {
        expect(inputProblem({ value, field: `before${bad}after` })).not.toBeNull();
      }),
      { seed: 11 }
    );
  });

  it('never flags well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        fc.pre(!text.includes('\u0000'));
        expect(inputProblem({ text })).toBeNull();
      }),
      { seed: 11 }
    );
  });
});
