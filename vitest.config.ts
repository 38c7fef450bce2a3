import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup-runtime.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    // Temporal's native bridge must not run in worker threads; one file at a time keeps
    // the 2-core CI machines from timing out while the dev server is busy.
    pool: 'forks',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});
