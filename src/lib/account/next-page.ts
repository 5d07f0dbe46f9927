/** The pages that need a signed-in customer, and so the only places log-in returns to. */
export const memberPages = ['/faucets', '/settings', '/withdraw', '/history', '/notices', '/procedures', '/procedures/new'] as const;
export type MemberPage = (typeof memberPages)[number];

/** A page of this app a log-in returns to, with the query it was opened with (/procedures/new?kind=…). */
export interface NextPage {
  path: MemberPage | '/';
  search: string;
}

// Any fixed origin: `next` is read as a path on it, and one that names another origin is refused.
const here = 'https://portal.invalid';

/** Where to go after log-in: one of this app's member pages with its query, never another site. */
export function safeNext(next: string | null): NextPage {
  if (next === null) return { path: '/', search: '' };
  let url: URL;
  try {
    url = new URL(next, here);
  } catch {
    return { path: '/', search: '' };
  }
  const path = memberPages.find((page) => page === url.pathname);
  return url.origin === here && path && next.startsWith('/') && !next.startsWith('//') ? { path, search: url.search } : { path: '/', search: '' };
}
