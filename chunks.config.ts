import type { Plugin } from 'vite';

/** The public pages, prerendered (their +page.ts): any of them can be a visitor's first page. */
const PUBLIC_PAGES = Object.entries({ home: '', login: 'login/', signup: 'signup/', reset: 'reset/', 'move-in': 'move-in/', help: 'help/', simulator: 'simulator/' }).map(
  ([name, dir]) => [name, `/src/routes/(app)/${dir}+page.`] as const
);

/** What draws every page: SvelteKit's client entries and the layouts around the customers' pages. */
const FRAME = ['/@sveltejs/kit/src/runtime/client/entry.js', '/.svelte-kit/generated/client-optimized/app.js', '/src/routes/+layout.', '/src/routes/(app)/+layout.'];

/** SvelteKit's route nodes: entries it imports on navigation, made of the route files they name. */
const NODE = '/.svelte-kit/generated/client-optimized/nodes/';

/** Where a module is needed from: every page, one public page, or anything else that loads (other routes, code imported on demand). */
type Root = 'frame' | 'elsewhere' | `page:${string}`;

/**
 * The first page's scripts in a handful of files. Left to itself the bundler makes a chunk for
 * every set of pages that share modules, and a first visit of the log-in page fetched 31
 * scripts, most of a few hundred bytes, each a round trip on a phone's link. Here what a visitor's
 * first page needs, whichever public page it is, goes into one chunk: whatever draws every page
 * (the framework, the layouts, the session, the shell's texts) and what two public pages share
 * (form fields, the forms' texts). A public page's own modules stay in its node; what it shares
 * only with the other pages (the simulator's breakdown with a bill's, sign-up's faucet fields
 * with the faucets page) goes into one chunk for that page, never into every page's. A first
 * visit then loads SvelteKit's two entries and the root error page it always imports, that
 * chunk, the bundler's helpers (a file of their own that no group can take), the two layouts'
 * nodes, its page's node, and for some pages their one shared chunk. The other pages, the staff
 * console, Dexie and Chart.js are chunked as before. The client build only: the server build
 * renders the prerendered pages and is never downloaded.
 */
export function firstPageChunk(): Plugin {
  let ssr = false;
  const groups = new Map<string, string>();
  return {
    name: 'portal:first-page-chunk',
    apply: 'build',
    configResolved(config) {
      ssr = !!config.build.ssr;
    },
    buildEnd() {
      if (ssr) return;
      const rootOf = (id: string): Root | undefined => {
        const path = id.replaceAll('\\', '/');
        if (FRAME.some((frame) => path.includes(frame))) return 'frame';
        const page = PUBLIC_PAGES.find(([, prefix]) => path.includes(prefix));
        if (page) return `page:${page[0]}`;
        if (/\/src\/routes\/.*\+(page|layout)\./.test(path)) return 'elsewhere';
        return !path.includes(NODE) && (this.getModuleInfo(id)?.dynamicImporters.length ?? 0) > 0 ? 'elsewhere' : undefined;
      };
      // Where each module is needed from, through static imports: what is imported on demand is not among a page's first scripts.
      const reachedFrom = new Map<string, Set<Root>>();
      for (const id of this.getModuleIds()) {
        const root = rootOf(id);
        if (!root) continue;
        const queue = [id];
        while (queue.length > 0) {
          const next = queue.pop()!;
          const reached = reachedFrom.get(next) ?? new Set();
          if (reached.has(root)) continue;
          reached.add(root);
          reachedFrom.set(next, reached);
          queue.push(...(this.getModuleInfo(next)?.importedIds ?? []));
        }
      }
      groups.clear();
      for (const [id, reached] of reachedFrom) {
        // The entries stay files of their own: SvelteKit loads them by name.
        if (this.getModuleInfo(id)?.isEntry) continue;
        const pages = [...reached].filter((root) => root.startsWith('page:'));
        if (reached.has('frame') || pages.length > 1) groups.set(id, 'first-page');
        else if (pages.length === 1 && reached.has('elsewhere')) groups.set(id, `${pages[0]!.slice('page:'.length)}-shared`);
      }
    },
    outputOptions(options) {
      if (ssr) return null;
      return { ...options, codeSplitting: { groups: [{ name: (id) => groups.get(id) ?? null, debugName: 'portal:first-page-chunk' }] } };
    }
  };
}
