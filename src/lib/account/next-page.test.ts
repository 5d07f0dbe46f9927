import { describe, expect, it } from 'vitest';
import { safeNext } from './next-page';

describe('safeNext', () => {
  it('returns to a member page with the query it was opened with', () => {
    expect(safeNext('/procedures/new?kind=holder-change')).toEqual({ path: '/procedures/new', search: '?kind=holder-change' });
    expect(safeNext('/history')).toEqual({ path: '/history', search: '' });
  });

  it('goes Home for anything else: no next, another page, another site', () => {
    for (const next of [null, '', '/login', '/staff', 'https://evil.example/procedures', '//evil.example/procedures', '/\\evil.example/procedures', 'procedures', 'http://[']) {
      expect(safeNext(next), String(next)).toEqual({ path: '/', search: '' });
    }
  });
});
