import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A folder of this run's own, gone when it ends: what the test files share, such as PGlite's template (database.ts). */
    runDir: string;
  }
}

export default function setup(project: TestProject) {
  const runDir = mkdtempSync(path.join(tmpdir(), 'portal-test-run-'));
  project.provide('runDir', runDir);
  return () => rmSync(runDir, { recursive: true, force: true });
}
