import { describe, expect, it } from 'vitest';
import * as parts from './ja';
import { en } from './messages-en';

describe('message catalogs', () => {
  it('translate every key into English with non-empty text', () => {
    const ja = Object.assign({}, ...Object.values(parts)) as Record<string, string>;
    expect(Object.keys(en).sort()).toEqual(Object.keys(ja).sort());
    for (const [key, text] of Object.entries(en)) expect(text.trim(), key).not.toBe('');
  });

  it('hold each Japanese key in one part only', () => {
    const owners = new Map<string, string[]>();
    for (const [name, part] of Object.entries(parts)) for (const key of Object.keys(part)) owners.set(key, [...(owners.get(key) ?? []), name]);
    expect([...owners].filter(([, names]) => names.length > 1)).toEqual([]);
  });
});
