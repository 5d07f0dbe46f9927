import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.js';

describe('passwordProblem', () => {
  it('accepts a long, uncommon password', () => {
    expect(passwordProblem('kawa-no-nagare-2026')).toBeNull();
  });

  it.each([
    ['short1', /at least 8/],
    ['password', /too common/],
    ['PASSWORD123', /too common/],
    ['12345678', /too common/],
    ['zzzzzzzzzz', /too common/],
    ['x'.repeat(129), /at most 128/]
  ])('refuses %s', (password, reason) => {
    expect(passwordProblem(password)?.en).toMatch(reason);
  });
});
