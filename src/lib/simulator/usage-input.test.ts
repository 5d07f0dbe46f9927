import { describe, expect, it } from 'vitest';
import { parseUsageInput } from './usage-input';

describe('parseUsageInput', () => {
  it.each([
    ['22', 220],
    ['22.5', 225],
    ['0', 0],
    ['0.1', 1],
    ['.5', 5],
    ['12.30', 123],
    ['２２．５', 225],
    ['２２。５', 225],
    [' 22 ', 220],
    ['22m3', 220],
    ['22 m³', 220],
    ['22㎥', 220],
    ['22立方メートル', 220],
    ['1,200', 12000],
    ['１、２００', 12000],
    ['99999.9', 999999]
  ])('reads %j as %i tenths', (input, tenths) => {
    expect(parseUsageInput(input)).toEqual({ ok: true, tenths });
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    ['m3', 'missing'],
    ['abc', 'notNumber'],
    ['.', 'notNumber'],
    ['1.2.3', 'notNumber'],
    ['12a', 'notNumber'],
    ['-3', 'negative'],
    ['－３', 'negative'],
    ['12.34', 'tooPrecise'],
    ['100000', 'tooLarge'],
    ['1e5', 'notNumber']
  ])('refuses %j: %s', (input, error) => {
    expect(parseUsageInput(input)).toEqual({ ok: false, error });
  });
});
