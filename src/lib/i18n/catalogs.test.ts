import { describe, expect, it } from 'vitest';
import { englishCatalog, loadCatalog } from './catalogs';
import { shellTexts } from './ja/shell';
import { texts } from './locale.svelte';

describe('catalogs', () => {
  it('hold Japanese from the start and English only once loaded, never a silent stand-in', async () => {
    const t = texts(shellTexts);
    expect(t('tab.home')).toBe('ホーム');
    expect(() => englishCatalog()).toThrow(/not loaded/);
    // Until English is chosen, a text kept in both languages has nothing English to keep.
    expect(t.both('tab.home')).toEqual({ ja: 'ホーム', en: 'ホーム' });
    await loadCatalog('en');
    expect(englishCatalog()['tab.home']).toBe('Home');
    expect(t.both('tab.home')).toEqual({ ja: 'ホーム', en: 'Home' });
  });
});
