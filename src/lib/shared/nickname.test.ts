import { describe, expect, it } from 'vitest';
import { nickname, NICKNAME_MAX } from './nickname';

describe('nickname', () => {
  it('is stored trimmed, up to the limit counted without the spaces around it', () => {
    expect(nickname('　なよろ ')).toBe('なよろ');
    expect(nickname(` ${'な'.repeat(NICKNAME_MAX)} `)).toBe('な'.repeat(NICKNAME_MAX));
  });

  it('is refused empty or longer than the limit', () => {
    expect(nickname('  ')).toBeUndefined();
    expect(nickname('な'.repeat(NICKNAME_MAX + 1))).toBeUndefined();
  });
});
