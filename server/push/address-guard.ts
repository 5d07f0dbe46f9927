import { promises as dns, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { listedPushHost, type PushServiceHost } from './push-endpoint.js';

/** What a host name resolves to: the seam a test replaces to make a push service's name point anywhere. */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/** The error code a connection refused by the guard fails with: a push that can never go out, not one to retry. */
export const PUSH_ADDRESS_REFUSED = 'EPUSHADDRESS';

/**
 * Addresses a push service on the internet never has: unspecified and "this network",
 * loopback, private (RFC 1918), shared (CGN, 100.64/10, where Alibaba's metadata service is),
 * link-local (169.254/16 with the clouds' metadata service, fe80::/10), the IETF and
 * benchmarking blocks, multicast and reserved, ULA (fc00::/7, AWS's IPv6 metadata service).
 * BlockList matches an IPv4-mapped IPv6 address (::ffff:127.0.0.1) against the IPv4 ranges. The
 * other forms that carry an IPv4 address (IPv4-compatible ::/96, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32) are refused whole: a gateway or relay would
 * reach the address inside, which may be a private one, and no push service is on them.
 */
const notPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4]
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['2001::', 32],
  ['2002::', 16],
  ['fe80::', 10],
  ['fc00::', 7],
  ['ff00::', 8]
] as const) {
  notPublic.addSubnet(network, prefix, 'ipv6');
}

/** True for an address no push service has (above), and for anything that is not an IP address. */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  return family === 0 || notPublic.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * The lookup a push connection makes (https.Agent's `lookup`): the host's every address is
 * checked in the step that hands them to the connection, so a name that resolves to a public
 * address for a check and to 127.0.0.1 for the connection (DNS rebinding) has no window. A
 * host the operator listed in PUSH_SERVICE_HOSTS may be on a private network; no other may.
 */
export function guardedLookup(listed: readonly PushServiceHost[], resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname)
      .then((found) => {
        const addresses = found.filter((entry) => family === 0 || entry.family === family);
        const refused = listedPushHost(hostname, listed) ? undefined : addresses.find((entry) => isNonPublicAddress(entry.address));
        if (refused || addresses.length === 0) {
          const reason = refused ? `${hostname} resolves to a non-public address` : `${hostname} has no address`;
          const error = Object.assign(new Error(reason), { code: refused ? PUSH_ADDRESS_REFUSED : 'ENOTFOUND', hostname });
          callback(error, '', 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      })
      .catch((error: NodeJS.ErrnoException) => callback(error, '', 0));
  };
}
