import { describe, expect, it } from 'vitest';
import { normalizeCodeNumber, normalizeQuantity, normalizeText } from './normalize';

describe('normalizeCodeNumber', () => {
  it.each([
    ['０１６５４－３－２１１１', '0165432111'],
    ['01654-3-2111', '0165432111'],
    ['090ー1234ー5678', '09012345678'],
    ['090‐1234‐5678', '09012345678'],
    ['090−1234−5678', '09012345678'],
    ['090ｰ1234ｰ5678', '09012345678'],
    [' 1234 5678 ', '12345678'],
    ['１２３４\u30005678', '12345678'],
    ['12.5', '12.5']
  ])('%s → %s', (input, expected) => {
    expect(normalizeCodeNumber(input)).toBe(expected);
  });

  it('keeps what is not a digit, hyphen or space, so the check after it can refuse it', () => {
    expect(normalizeCodeNumber('1234567a')).toBe('1234567a');
  });
});

describe('normalizeQuantity', () => {
  it('reads full-width digits and points, and keeps any minus sign as "-"', () => {
    expect(normalizeQuantity('１２．５')).toBe('12.5');
    expect(normalizeQuantity(' 7 000 ')).toBe('7000');
    expect(normalizeQuantity('−5')).toBe('-5');
    expect(normalizeQuantity('－5')).toBe('-5');
  });
});

describe('normalizeText', () => {
  it('turns full-width ASCII and half-width katakana into their usual forms and trims', () => {
    expect(normalizeText(' ＡＢＣ ﾔﾏﾀﾞ ')).toBe('ABC ヤマダ');
  });

  it('keeps CP932 extension kanji such as 髙 and 﨑 as they are', () => {
    expect(normalizeText('髙橋 﨑山')).toBe('髙橋 﨑山');
  });
});
