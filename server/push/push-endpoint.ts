/**
 * The browsers' push services: Chrome and Edge on Android and desktop (FCM), Firefox (Mozilla),
 * Safari (Apple) and Edge on Windows (WNS). A device's endpoint is on one of these, or on a
 * subdomain of one (updates.push.services.mozilla.com, web.push.apple.com, *.notify.windows.com).
 */
export const KNOWN_PUSH_SERVICES = ['fcm.googleapis.com', 'push.services.mozilla.com', 'push.apple.com', 'notify.windows.com'] as const;

/** A host suffix the operator adds with PUSH_SERVICE_HOSTS, and the one port endpoints on it may use. */
export interface PushServiceHost {
  suffix: string;
  port: number;
}

const HTTPS_PORT = 443;

/** An IP address (as URL serializes one) is matched whole: 10.0.0.1 is not "under" 0.0.1. */
const isAddress = (hostname: string) => /^[\d.]+$/.test(hostname) || hostname.startsWith('[');

const onSuffix = (hostname: string, suffix: string) => hostname === suffix || (!isAddress(hostname) && hostname.endsWith(`.${suffix}`));

/** The operator's entry that a host falls under, if any: such a host may be on a private address. */
export function listedPushHost(hostname: string, listed: readonly PushServiceHost[]): PushServiceHost | undefined {
  const host = hostname.toLowerCase();
  return listed.find((entry) => onSuffix(host, entry.suffix));
}

/**
 * Why an endpoint is not one the portal sends push to, or null when it is: https, exactly as a
 * browser serializes it, no user name or password, on a known push service at port 443 or
 * under an operator's PUSH_SERVICE_HOSTS entry at its port. The serialized form is demanded so
 * web-push, which parses the endpoint again with Node's older url.parse, cannot read another
 * host out of it than this check did.
 */
export function pushEndpointProblem(endpoint: string, listed: readonly PushServiceHost[]): string | null {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return 'not a URL';
  }
  if (url.protocol !== 'https:') return 'not https';
  if (url.href !== endpoint) return 'not in the form a browser gives';
  if (url.username || url.password) return 'has a user name or password';
  const port = url.port === '' ? HTTPS_PORT : Number(url.port);
  const entry = listedPushHost(url.hostname, listed);
  if (entry) return entry.port === port ? null : `port ${port} is not the one listed for ${entry.suffix}`;
  if (!KNOWN_PUSH_SERVICES.some((suffix) => onSuffix(url.hostname, suffix))) return 'not a known push service';
  return port === HTTPS_PORT ? null : `port ${port} is not 443`;
}
