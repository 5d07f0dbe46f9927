/**
 * The address the per-client limits key on. With no proxy in front it is the connecting
 * address. Behind `trustedHops` reverse proxies, each proxy appends the address it was
 * connected from to `X-Forwarded-For`, so the rightmost `trustedHops` entries are ours to
 * believe and the client is the `trustedHops`-th from the right; everything left of it was
 * written by the sender and proves nothing.
 *
 * A header with fewer entries than that, or an empty one where the client should be, means
 * the request did not come through every proxy (one reached directly, or a proxy set up
 * differently): its entries may then be the sender's own, so the connecting address is used.
 * At worst such requests share the proxy's limit, which is stricter, never looser.
 */
export function clientAddress(
  socketAddress: string | undefined,
  forwardedFor: string | readonly string[] | undefined,
  trustedHops: number
): string {
  const connecting = socketAddress ?? 'unknown';
  if (trustedHops === 0 || forwardedFor === undefined) return connecting;
  // Repeated headers make one list, in the order received (Node joins them with ", ").
  const entries = (typeof forwardedFor === 'string' ? forwardedFor : forwardedFor.join(',')).split(',');
  const client = entries.length >= trustedHops ? entries[entries.length - trustedHops]!.trim() : '';
  return client === '' ? connecting : client;
}
