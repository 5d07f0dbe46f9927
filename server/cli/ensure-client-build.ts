import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { APP_SHELL } from '../../src/lib/shared/app-shell.js';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

// The shell, not index.html: a build from before the public pages were prerendered has no shell and is built again.
if (existsSync(`${projectRoot}/build${APP_SHELL}`)) {
  console.log('client build found in build/ (run `npm run build` to rebuild)');
} else {
  console.log('no client build yet: building the app once (about a minute)…');
  // Quiet: warnings only, without the bundler's report of which plugins took time (a developer's
  // `npm run build` keeps it). The project's own folder as the working one, not a `root` option,
  // which SvelteKit would announce it overrides.
  process.chdir(projectRoot);
  await build({ logLevel: 'warn', build: { rolldownOptions: { checks: { bundlerTimings: false } } } });
  console.log('client built into build/');
}
