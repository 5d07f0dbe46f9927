import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

if (existsSync(`${projectRoot}/build/index.html`)) {
  console.log('client build found in build/ (run `npm run build` to rebuild)');
} else {
  console.log('no client build yet: building the app once (about a minute)…');
  await build({ root: projectRoot, logLevel: 'warn' });
  console.log('client built into build/');
}
