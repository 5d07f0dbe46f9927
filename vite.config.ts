import { sveltekit } from '@sveltejs/kit/vite';
import { SvelteKitPWA } from '@vite-pwa/sveltekit';
import { defineConfig } from 'vite';
import { firstPageChunk } from './chunks.config.ts';
import { staffOutOfPrecache } from './pwa.config.ts';
import { APP_SHELL } from './src/lib/shared/app-shell.ts';

// Filled after the client build with the staff console's own chunks (pwa.config.ts).
const precacheIgnores: string[] = [];

export default defineConfig({
  plugins: [
    sveltekit(),
    firstPageChunk(),
    staffOutOfPrecache(precacheIgnores),
    SvelteKitPWA({
      strategies: 'injectManifest',
      srcDir: 'src',
      filename: 'service-worker.ts',
      injectRegister: false,
      // The server writes the manifest from the utility profile, so it is configuration too.
      manifest: false,
      injectManifest: {
        // "webmanifest" named though no such file is built (the server writes the manifest): without
        // it the plugin adds a pattern of its own for one, which matches nothing and warns at length.
        globPatterns: ['client/**/*.{js,css,ico,png,svg,webp,woff2,webmanifest}'],
        globIgnores: precacheIgnores
      },
      // The shell is written by the adapter, after the precache list: the plugin adds it by name.
      kit: { adapterFallback: APP_SHELL.slice(1), spa: { fallbackMapping: APP_SHELL.slice(1) } }
    })
  ],
  server: {
    proxy: { '/api': 'http://localhost:3000', '/manifest.webmanifest': 'http://localhost:3000' }
  }
});
