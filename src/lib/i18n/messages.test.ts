import { describe, expect, it } from 'vitest';
import { ja } from './messages';
import { en } from './messages-en';

describe('message catalogs', () => {
  it('translate every key into English with non-empty text', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries(en)) expect(text.trim(), key).not.toBe('');
  });
});
