import { createHash } from 'node:crypto';
import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/**
 * The one inline style the app has: SvelteKit's route announcer (a visually hidden live
 * region, @sveltejs/kit/src/core/sync/write_root.js) carries it as a style attribute.
 * Allowed by its hash alone ('unsafe-hashes'), not every inline style; if SvelteKit changes
 * it, the CSP test in tests/e2e/shell.test.ts sees the violation.
 */
const announcerStyle =
  'position: absolute; left: 0; top: 0; clip: rect(0 0 0 0); clip-path: inset(50%); overflow: hidden; white-space: nowrap; width: 1px; height: 1px';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // The public pages are prerendered (their +page.ts); every other path is answered with the
    // shell, drawn in the browser, by the server and the service worker: the file that
    // src/lib/shared/app-shell.ts names. precompress writes .br and .gz beside every text file
    // once, at build time (the adapter runs after the service worker is written, so it is
    // compressed too and its precache list names only the originals); server/http.ts sends the
    // one the browser accepts.
    adapter: adapter({ fallback: 'shell.html', precompress: true }),
    // The app is served at the root only; a prerendered page's own relative paths would break
    // where it is answered under another path (/login/ is login.html too).
    paths: { relative: false },
    // workbox-window registers the worker, so the update prompt can watch it.
    serviceWorker: { register: false },
    typescript: {
      // One type check covers the server, the benches and the tool configs too.
      config(tsconfig) {
        tsconfig.include.push('../server/**/*.ts', '../bench/**/*.ts', '../*.config.ts');
        // Their imports resolve only where tests/lint/boundaries.test.ts pretends they stand.
        tsconfig.exclude.push('../tests/lint/fixtures/**');
      }
    },
    // The page's policy, written into index.html as a <meta> tag with the hash of the inline
    // start-up script. The server sends the same policy as a header and adds what a <meta>
    // cannot say (frame-ancestors): server/http/security-headers.ts. No inline scripts or styles
    // but the announcer's: Svelte's component CSS is in files, and Svelte and Chart.js style
    // elements through the CSSOM, which style-src does not govern.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-hashes', `sha256-${createHash('sha256').update(announcerStyle).digest('base64')}`],
        'img-src': ['self', 'data:'],
        // The portal's own API; the push service will be added with Web Push.
        'connect-src': ['self'],
        'worker-src': ['self'],
        'manifest-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self'],
        'form-action': ['self']
      }
    }
  }
};
