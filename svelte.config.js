import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
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

const sha256 = (/** @type {string} */ text) => `sha256-${createHash('sha256').update(text).digest('base64')}`;

/**
 * The page template's own inline script (the installed app's Home painted before the app loads,
 * src/lib/local/painted-home.ts), allowed by its hash in every page's policy: SvelteKit hashes
 * only the start-up scripts it writes. Read from the template, so the hash follows the script.
 */
const templateScripts = [...readFileSync(new URL('src/app.html', import.meta.url), 'utf8').matchAll(/<script>([\s\S]*?)<\/script>/g)].map(
  ([, script]) => sha256(script)
);

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
    // Each page's policy, written into the page as a <meta> tag with the hashes of its own inline
    // start-up script and of the template's (above). The server sends the same policy as a header
    // and adds what a <meta> cannot say (frame-ancestors): server/http/security-headers.ts. No
    // other inline scripts, and no inline styles but the announcer's: Svelte's component CSS is in
    // files, and Svelte and Chart.js style elements through the CSSOM, which style-src does not
    // govern.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self', ...templateScripts],
        'style-src': ['self', 'unsafe-hashes', sha256(announcerStyle)],
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
