import { describe, expect, it } from 'vitest';
import { createOutboxNamer, maskAddress, maskAddressesIn } from './transport.js';

describe('maskAddress', () => {
  it('keeps the first character and the domain', () => {
    expect(maskAddress('taro.yamada@example.jp')).toBe('t***@example.jp');
    expect(maskAddress('t@example.jp')).toBe('t***@example.jp');
  });

  it('reveals nothing of something that is not an address', () => {
    expect(maskAddress('taro')).toBe('***');
    expect(maskAddress('@example.jp')).toBe('***');
  });
});

describe('maskAddressesIn', () => {
  it('masks every address a mail server writes back, in any case and among other words', () => {
    expect(maskAddressesIn('550 5.1.1 <Taro.Yamada@Example.JP>: Recipient address rejected; also cc hanako@example.jp')).toBe(
      '550 5.1.1 <T***@Example.JP>: Recipient address rejected; also cc h***@example.jp'
    );
  });

  it('leaves text without an address as it is', () => {
    expect(maskAddressesIn('421 4.7.0 Try again later')).toBe('421 4.7.0 Try again later');
  });
});

describe('outbox file names', () => {
  it('start with the UTC send time and end in .eml', () => {
    const nextName = createOutboxNamer(() => new Date('2026-11-25T16:30:12.123Z'));
    const { sentAt, fileName } = nextName();
    expect(sentAt.toISOString()).toBe('2026-11-25T16:30:12.123Z');
    expect(fileName).toMatch(/^20261125T163012\.123Z-000000-[0-9a-f]{8}\.eml$/);
  });

  it('sort in send order within one millisecond', () => {
    const nextName = createOutboxNamer(() => new Date('2026-11-25T16:30:12.123Z'));
    const names = Array.from({ length: 12 }, () => nextName().fileName);
    expect(names.toSorted()).toEqual(names);
  });

  it('sort in send order when the clock steps back', () => {
    const clock = ['2026-11-25T16:30:12.500Z', '2026-11-25T16:30:12.100Z', '2026-11-25T16:30:12.600Z'];
    const nextName = createOutboxNamer(() => new Date(clock.shift()!));
    const names = [nextName(), nextName(), nextName()].map((name) => name.fileName);
    expect(names.toSorted()).toEqual(names);
    expect(names[1]).toMatch(/^20261125T163012\.500Z-000001-/);
  });

  it('sort in send order across a second, whatever the counter was', () => {
    const clock = ['12.999', '12.999', '12.999', '13.000', '13.000', '13.001'].map((s) => `2026-11-25T16:30:${s}Z`);
    const nextName = createOutboxNamer(() => new Date(clock.shift()!));
    const names = Array.from({ length: 6 }, () => nextName().fileName);
    expect(names.toSorted()).toEqual(names);
    expect(names[3]).toMatch(/^20261125T163013\.000Z-000000-/);
  });
});
