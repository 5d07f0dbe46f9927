import { describe, expect, it } from 'vitest';
import { neutralizeFormula } from './csv-cell';

describe('neutralizeFormula', () => {
  it.each(['=1+2', '+81', '-1', '@SUM(A1)', '\tx', '\rx'])('writes %j as text', (text) => {
    expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it.each(['名寄 花子', '096-8686', '2026-06-05', '', "'quoted"])('leaves %j as it is', (text) => {
    expect(neutralizeFormula(text)).toBe(text);
  });
});
