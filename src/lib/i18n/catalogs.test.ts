import { describe, expect, it } from 'vitest';
import { catalog, loadCatalog } from './catalogs';
import { both } from './text';

describe('catalogs', () => {
  it('hold Japanese from the start and English only once loaded, never a silent stand-in', async () => {
    expect(catalog('ja')['tab.home']).toBe('ホーム');
    expect(() => catalog('en')).toThrow(/not loaded/);
    // Until English is chosen, a text kept in both languages has nothing English to keep.
    expect(both('tab.home')).toEqual({ ja: 'ホーム', en: 'ホーム' });
    await loadCatalog('en');
    expect(catalog('en')['tab.home']).toBe('Home');
    expect(both('tab.home')).toEqual({ ja: 'ホーム', en: 'Home' });
  });
});
