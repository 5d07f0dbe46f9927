import { describe, expect, it } from 'vitest';
import { containing } from './like-pattern.js';

describe('containing', () => {
  it('finds the text anywhere, taking LIKE’s own characters literally', () => {
    expect(containing('ナヨロ')).toBe('%ナヨロ%');
    expect(containing('100%_a\\b')).toBe('%100\\%\\_a\\\\b%');
  });
});
