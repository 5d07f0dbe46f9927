import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Plugin, ResolvedConfig, Rollup } from 'vite';

/**
 * The files of a client build that only some pages load: every chunk (and its CSS) reachable
 * from an entry that holds one of those pages' modules, and from no other entry. SvelteKit makes
 * each route's layout or page an entry of its own (a "node"), which the app entry imports
 * dynamically; the way into a page's node never counts as a way into what it imports.
 */
export function chunksOnlyFor(bundle: Rollup.OutputBundle, isTheirModule: (id: string) => boolean): string[] {
  const chunks = new Map<string, Rollup.OutputChunk>();
  for (const output of Object.values(bundle)) if (output.type === 'chunk') chunks.set(output.fileName, output);
  const entries = [...chunks.values()].filter((chunk) => chunk.isEntry || chunk.isDynamicEntry);
  const theirEntries = new Set(entries.filter((chunk) => chunk.moduleIds.some(isTheirModule)).map((chunk) => chunk.fileName));

  const reach = (start: string[], skip: Set<string>) => {
    const seen = new Set<string>();
    const queue = [...start];
    while (queue.length > 0) {
      const name = queue.pop()!;
      if (seen.has(name) || skip.has(name)) continue;
      seen.add(name);
      const chunk = chunks.get(name);
      if (chunk) queue.push(...chunk.imports, ...chunk.dynamicImports);
    }
    return seen;
  };
  const everyoneElse = reach(
    entries.filter((chunk) => !theirEntries.has(chunk.fileName)).map((chunk) => chunk.fileName),
    theirEntries
  );
  const theirs = [...reach([...theirEntries], new Set())].filter((name) => !everyoneElse.has(name));

  const css = (names: Iterable<string>) => [...names].flatMap((name) => [...(chunks.get(name)?.viteMetadata?.importedCss ?? [])]);
  const sharedCss = new Set(css(everyoneElse));
  return [...theirs, ...css(theirs).filter((file) => !sharedCss.has(file))];
}

/**
 * Keeps the staff console (/staff, online only) out of the service worker's precache list.
 * SvelteKit runs the client build inside the server build, from the config file loaded afresh,
 * so the two builds share no memory: the client build writes the console's own chunks to a file,
 * and the server build, as it closes and before @vite-pwa/sveltekit runs workbox's
 * injectManifest, adds them to `globIgnores` (the very array handed to the plugin). A missing
 * file fails the build rather than precache the console.
 */
export function staffOutOfPrecache(globIgnores: string[]): Plugin {
  let config: ResolvedConfig;
  const listFile = () => path.join(config.root, '.svelte-kit', 'staff-only-chunks.json');
  return {
    name: 'portal:staff-out-of-precache',
    apply: 'build',
    configResolved(resolved) {
      config = resolved;
    },
    buildStart() {
      // A list left by an earlier build names chunks of that build.
      if (config.build.ssr) rmSync(listFile(), { force: true });
    },
    generateBundle(_, bundle) {
      if (config.build.ssr) return;
      const staffOnly = chunksOnlyFor(bundle, (id) => id.replaceAll('\\', '/').includes('/src/routes/staff/'));
      writeFileSync(listFile(), JSON.stringify(staffOnly));
    },
    closeBundle: {
      order: 'pre',
      sequential: true,
      handler() {
        if (!config.build.ssr) return;
        const staffOnly = JSON.parse(readFileSync(listFile(), 'utf8')) as string[];
        // The globs are relative to .svelte-kit/output, where the client build is written under client/.
        globIgnores.push(...staffOnly.map((file) => `client/${file}`));
      }
    }
  };
}
