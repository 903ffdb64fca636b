import { defineConfig } from 'vitest/config';

// Two projects: fast unit/integration tests under Node, and end-to-end tests that drive Debian's
// Chromium against the browser-mode server (they need `npm run build` first).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['tests/unit/**/*.test.ts', 'tests/integration/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          pool: 'forks',
          // Two files at once: vitest's default is one fewer than the cores, a single file at a time on CI's
          // 2 cores, with the other core idle through the many single-threaded tests (measured on a clean
          // clone: 1008 s with one worker, 686 s with two, the same 563 tests passing).
          maxWorkers: 2,
          globalSetup: ['tests/setup/build-worker.ts'],
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.e2e.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
