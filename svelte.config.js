import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
  preprocess: vitePreprocess(),
  kit: {
    // An SPA: every path is answered with index.html by the server and the service worker.
    adapter: adapter({ fallback: 'index.html' }),
    // workbox-window registers the worker, so the update prompt can watch it.
    serviceWorker: { register: false },
    typescript: {
      // One type check covers the server, the benches and the tool configs too.
      config(tsconfig) {
        tsconfig.include.push('../server/**/*.ts', '../bench/**/*.ts', '../*.config.ts');
      }
    },
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:'],
        'connect-src': ['self'],
        'object-src': ['none'],
        'base-uri': ['self']
      }
    }
  }
};
