import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  plugins: [sveltekit()],
  test: {
    // A test that asserts nothing passes whatever the code does.
    expect: { requireAssertions: true },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['server/**/*.test.ts', 'src/**/*.test.ts', 'tests/lint/**/*.test.ts'],
          environment: 'node'
        }
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/integration/support/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: spawned servers and databases beside the workers need room.
          maxWorkers: 2,
          // On PostgreSQL the test databases share one server, and a pull's cursor stops below
          // the oldest transaction running anywhere on it: files running side by side would
          // hold each other's sync back. One portal has its database to itself.
          fileParallelism: !process.env.DATABASE_URL,
          // Files share a worker's imported modules instead of importing the server anew for each
          // (about 3 s a file): every file opens its own databases and servers, and what the server
          // keeps at module level (the import-check thread, a decoy hash) is a process's anyway.
          isolate: false
        }
      }
    ]
  }
});
