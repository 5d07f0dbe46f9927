import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address.js';

describe('clientAddress', () => {
  it('is the connecting address with no trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.7', undefined, 0)).toBe('203.0.113.7');
    expect(clientAddress('203.0.113.7', '198.51.100.1', 0)).toBe('203.0.113.7');
    expect(clientAddress(undefined, undefined, 0)).toBe('unknown');
  });

  it('behind one proxy is the last entry: the one our proxy wrote', () => {
    expect(clientAddress('10.0.0.2', '198.51.100.1', 1)).toBe('198.51.100.1');
    // Whatever the sender put in front is ignored.
    expect(clientAddress('10.0.0.2', '1.1.1.1, 2.2.2.2,198.51.100.1', 1)).toBe('198.51.100.1');
  });

  it('behind N proxies is the N-th entry from the right', () => {
    expect(clientAddress('10.0.0.2', 'spoofed, 198.51.100.1, 10.0.0.9', 2)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.2', '198.51.100.1, 10.0.0.8, 10.0.0.9', 3)).toBe('198.51.100.1');
    expect(clientAddress('10.0.0.2', ['spoofed, 198.51.100.1', '10.0.0.9'], 2)).toBe('198.51.100.1');
  });

  it('keys an IPv6 client on its /64 and an IPv4-mapped one on its IPv4 address', () => {
    expect(clientAddress('2001:db8:1:2:aaaa::1', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('2001:0DB8:0001:0002:ffff:1:2:3', undefined, 0)).toBe('2001:db8:1:2::/64');
    expect(clientAddress('10.0.0.2', '2001:db8::1', 1)).toBe('2001:db8:0:0::/64');
    expect(clientAddress('::1', undefined, 0)).toBe('0:0:0:0::/64');
    expect(clientAddress('fe80::1%eth0', undefined, 0)).toBe('fe80:0:0:0::/64');
    expect(clientAddress('::ffff:203.0.113.7', undefined, 0)).toBe('203.0.113.7');
    expect(clientAddress('10.0.0.2', 'not-an-address', 1)).toBe('not-an-address');
    expect(clientAddress('10.0.0.2', '1:2:3:4:5:6:7:8:9', 1)).toBe('1:2:3:4:5:6:7:8:9');
    expect(clientAddress('10.0.0.2', '1::2::3', 1)).toBe('1::2::3');
  });

  it('falls back to the connecting address when the header is missing, too short or empty where the client should be', () => {
    expect(clientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
    // A request that skipped the outer proxy: its one entry may be the sender's own.
    expect(clientAddress('10.0.0.2', '198.51.100.1', 2)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '', 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', '198.51.100.1, ', 1)).toBe('10.0.0.2');
    expect(clientAddress('10.0.0.2', ' , 10.0.0.9', 2)).toBe('10.0.0.2');
  });
});
