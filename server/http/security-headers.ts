import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/** A <meta> policy cannot forbid framing, so this part is only ever in the header. */
const HEADER_ONLY = "frame-ancestors 'none'";

/**
 * What every answer carries, whatever it is: the browser reads a script, a style or the API's
 * JSON only as the type it was sent as, and no other site may load any of them (Spectre-type
 * reads of another origin's answers go through exactly such loads).
 */
export const EVERY_ANSWER: Readonly<Record<string, string>> = {
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin'
};

/**
 * The policies of a client build's pages, by file ('/index.html', '/login.html', the SPA
 * fallback…). SvelteKit writes each page's policy (kit.csp in svelte.config.js) into the page as
 * a <meta> tag, with the hashes of that page's own inline start-up script, which only the build
 * knows: a prerendered page's script carries its own route and data, so each page has its own
 * hashes. Read from the build at start, header and tag cannot disagree.
 */
export function pagePolicies(clientDir: string): Map<string, string> {
  const policies = new Map<string, string>();
  if (!existsSync(clientDir)) return policies;
  for (const entry of readdirSync(clientDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.html')) continue;
    const file = path.join(entry.parentPath, entry.name);
    const policy = /<meta http-equiv="content-security-policy" content="([^"]+)"/i.exec(readFileSync(file, 'utf8'))?.[1];
    if (!policy) throw new Error(`${file} has no Content-Security-Policy <meta> tag (kit.csp in svelte.config.js): build the client again`);
    policies.set(`/${path.relative(clientDir, file).split(path.sep).join('/')}`, policy);
  }
  return policies;
}

/**
 * What only a page (an HTML document) is governed by: its policy as a header (the browser
 * enforces it with the <meta> tag; the header also covers what comes before the tag and says
 * frame-ancestors), framing, the features it may ask for, the window it opens in, and what it
 * tells other sites of where the customer came from. Over https the name is pinned to https:
 * a browser takes it from the first page, and on http it would only pin a development machine.
 */
export function documentHeaders(policy: string, origin: string): Record<string, string> {
  return {
    'Content-Security-Policy': `${policy}; ${HEADER_ONLY}`,
    // Browsers that predate frame-ancestors.
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'same-origin',
    'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
    // No other site's window keeps a handle on ours.
    'Cross-Origin-Opener-Policy': 'same-origin',
    ...(new URL(origin).protocol === 'https:' ? { 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : {})
  };
}

/**
 * The service worker runs under the policy of its own script, not of a page's: the pages' policy
 * (what it may fetch: connect-src), and the referrer policy of its requests. Framing, features
 * and windows do not apply to a worker.
 */
export function workerHeaders(policy: string): Record<string, string> {
  return { 'Content-Security-Policy': policy, 'Referrer-Policy': 'same-origin' };
}
