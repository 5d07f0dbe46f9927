/**
 * The address the per-client limits key on. With no proxy in front it is the connecting
 * address. Behind `trustedHops` reverse proxies, each proxy appends the address it was
 * connected from to `X-Forwarded-For`, so the rightmost `trustedHops` entries are ours to
 * believe and the client is the `trustedHops`-th from the right; everything left of it was
 * written by the sender and proves nothing.
 *
 * A header with fewer entries than that, or an empty one where the client should be, means
 * the request did not come through every proxy: the connecting address is used. That holds
 * only if the portal cannot be reached but through the proxies: a request sent to it directly
 * with a header of the right length picks its own key (README: run it so it cannot).
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedHops: number
): string {
  const connecting = socketAddress ?? 'unknown';
  if (trustedHops === 0 || forwardedFor === undefined) return limitKey(connecting);
  // Repeated headers make one list, in the order received (Node joins them with ", ").
  const entries = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',');
  const client = entries.length >= trustedHops ? entries[entries.length - trustedHops]!.trim() : '';
  return limitKey(client === '' ? connecting : client);
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(\.\d{1,3}){3})$/i;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/**
 * One key for one subscriber: an IPv4 address as it is (also when written IPv4-mapped), an
 * IPv6 address as its /64 network, the smallest block a provider hands a household or a phone:
 * rotating addresses inside it must not give a fresh limit. Anything else is kept as written.
 */
export function limitKey(address: string): string {
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped) return mapped[1]!;
  const hextets = ipv6Hextets(address.replace(/%.*$/, ''));
  return hextets ? `${hextets.slice(0, 4).join(':')}::/64` : address;
}

function ipv6Hextets(address: string): string[] | null {
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const [head, tail] = halves.map((half) => (half === '' ? [] : half.split(':')));
  const missing = 8 - head!.length - (tail?.length ?? 0);
  if (tail === undefined ? missing !== 0 : missing < 1) return null;
  const hextets = [...head!, ...Array<string>(tail === undefined ? 0 : missing).fill('0'), ...(tail ?? [])];
  if (!hextets.every((hextet) => HEXTET.test(hextet))) return null;
  return hextets.map((hextet) => Number.parseInt(hextet, 16).toString(16));
}
