// Node 20 does not hand a worker the process's `--import tsx`, and vitest's processes have no
// tsx at all: tsx's own API loads the TypeScript entry, the same under `npm start` and in tests.
import { tsImport } from 'tsx/esm/api';

await tsImport('./send-thread-entry.ts', import.meta.url);
