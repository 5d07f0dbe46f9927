import type { LookupAddress, LookupOptions } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { guardedLookup, isNonPublicAddress, PUSH_ADDRESS_REFUSED } from './address-guard.js';

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1', '127.255.0.9', '10.0.0.1', '172.16.0.1', '172.31.255.254', '192.168.1.1', '100.64.0.1', '100.100.100.200',
    '169.254.169.254', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::', '::1', 'fe80::1', 'fc00::1', 'fd00:ec2::254',
    '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', 'ff02::1', 'not an address'
  ])('%s is no push service', (address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  // Each embeds an IPv4 address (here a private or metadata one) a gateway or relay would reach.
  it.each([
    ['NAT64', '64:ff9b::a9fe:a9fe'], ['NAT64', '64:ff9b::808:808'], ['local NAT64', '64:ff9b:1::a00:1'],
    ['6to4', '2002:7f00:1::1'], ['6to4', '2002:a9fe:a9fe::1'], ['Teredo', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
    ['IPv4-compatible', '::7f00:1'], ['IPv4-compatible', '::a9fe:a9fe']
  ])('%s %s is no push service', (_kind, address) => {
    expect(isNonPublicAddress(address)).toBe(true);
  });

  it.each(['142.250.196.10', '8.8.8.8', '172.32.0.1', '100.128.0.1', '2607:f8b0:4004:c1b::5f', '::ffff:8.8.8.8', '2001:4860::8888', '2003::1'])('%s may be one', (address) => {
    expect(isNonPublicAddress(address)).toBe(false);
  });
});

/** The lookup's answer as a promise: (error) or (addresses) as the connection gets them. */
function lookUp(lookup: ReturnType<typeof guardedLookup>, hostname: string, options: LookupOptions) {
  return new Promise<{ error: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number }>((resolve) => {
    lookup(hostname, options, (error, address, family) => resolve({ error, address, family }));
  });
}

describe('guardedLookup', () => {
  const at = (...addresses: LookupAddress[]) => async () => addresses;

  it('hands the addresses over, all of them or the first, of the family asked for', async () => {
    const lookup = guardedLookup([], at({ address: '2607:f8b0:4004:c1b::5f', family: 6 }, { address: '142.250.196.10', family: 4 }));
    expect(await lookUp(lookup, 'fcm.googleapis.com', { all: true })).toMatchObject({ error: null, address: [{ address: '2607:f8b0:4004:c1b::5f' }, { address: '142.250.196.10' }] });
    expect(await lookUp(lookup, 'fcm.googleapis.com', {})).toEqual({ error: null, address: '2607:f8b0:4004:c1b::5f', family: 6 });
    expect(await lookUp(lookup, 'fcm.googleapis.com', { family: 4 })).toEqual({ error: null, address: '142.250.196.10', family: 4 });
  });

  it('refuses a name with any non-public address, unless PUSH_SERVICE_HOSTS lists it', async () => {
    const resolve = at({ address: '142.250.196.10', family: 4 }, { address: '10.1.2.3', family: 4 });
    const refused = await lookUp(guardedLookup([], resolve), 'fcm.googleapis.com', { all: true });
    expect(refused.error).toMatchObject({ code: PUSH_ADDRESS_REFUSED, message: 'fcm.googleapis.com resolves to a non-public address' });
    const listed = await lookUp(guardedLookup([{ suffix: 'push.example.jp', port: 443 }], resolve), 'eu.push.example.jp', { all: true });
    expect(listed).toMatchObject({ error: null, address: [{ address: '142.250.196.10' }, { address: '10.1.2.3' }] });
  });

  it("passes a resolver's failure on, and a name with no address of the family is not found", async () => {
    const failing = guardedLookup([], async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    });
    expect((await lookUp(failing, 'x.fcm.googleapis.com', {})).error).toMatchObject({ code: 'ENOTFOUND' });
    expect((await lookUp(guardedLookup([], at({ address: '142.250.196.10', family: 4 })), 'fcm.googleapis.com', { family: 6 })).error).toMatchObject({ code: 'ENOTFOUND' });
  });
});
