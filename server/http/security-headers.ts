import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A <meta> policy cannot forbid framing, so this part is only ever in the header. */
const HEADER_ONLY = "frame-ancestors 'none'";

/**
 * The Content-Security-Policy header. SvelteKit writes the page's policy (kit.csp in
 * svelte.config.js) into index.html as a <meta> tag, with the hash of its inline start-up
 * script that only the build knows. The server sends that very policy as a header, plus
 * frame-ancestors: the browser enforces tag and header together, and read from the build at
 * start they cannot disagree, whatever the next build's hashes. One policy for every answer
 * (pages, assets, the service worker's script, the API): the worker runs under the policy
 * of its own script, so it needs the page's connect-src too. With no client build there is
 * no page: nothing may load.
 */
export function contentSecurityPolicy(clientDir: string): string {
  const index = path.join(clientDir, 'index.html');
  if (!existsSync(index)) return `default-src 'none'; ${HEADER_ONLY}`;
  const page = /<meta http-equiv="content-security-policy" content="([^"]+)"/i.exec(readFileSync(index, 'utf8'))?.[1];
  if (!page) throw new Error(`${index} has no Content-Security-Policy <meta> tag (kit.csp in svelte.config.js): build the client again`);
  return `${page}; ${HEADER_ONLY}`;
}

/** The headers every answer carries. */
export function securityHeaders(origin: string, clientDir: string): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(clientDir),
    // Browsers that predate frame-ancestors.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    // No other site's window keeps a handle on ours, and no other site embeds our answers.
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    // Only where the portal is served over https: on http a browser ignores it, and on a
    // development machine it would pin localhost to https for a year.
    ...(new URL(origin).protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {})
  };
}
