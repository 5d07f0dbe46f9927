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
  await build({ root: projectRoot, logLevel: 'warn' });
  console.log('client built into build/');
}
