import { defineConfig } from 'vitest/config';

/**
 * Test files that need the Temporal dev server (started once in test/global-setup.ts) or,
 * for the store, a real Postgres next to PGlite. Everything else is a unit test.
 */
const integration = [
  'test/workflows/**/*.test.ts',
  'test/store/{entity-repository,poison-rows,storable-in-databases}.test.ts',
  'test/agenda/daily-agenda-schedule.test.ts',
  'test/bot/{bot,lookups}.test.ts',
  'test/cli/{operator-cli,start-ctrl-c,sync-rejects}.test.ts',
  'test/demo/demo.test.ts',
  'test/incidents/{alerts-command,event-incidents,health-schedule,token-refused}.test.ts',
  'test/ingress/{relay,spool,webhooks}.test.ts',
  'test/metrics/worker-metrics-process.test.ts',
  'test/notify/notifications.test.ts',
  'test/temporal/payload-codec.test.ts',
  'test/worker-process.test.ts',
];

export default defineConfig({
  test: {
    reporters: ['default', './test/summary-reporter.ts'],
    // Temporal's native bridge (workers, replay) must not run in worker threads.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 180_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: integration,
          // No Postgres server here: every database is an in-memory PGlite.
          env: { TEST_DATABASE_URL: '' },
          fileParallelism: true,
          // Several files wait on child processes and sockets, so one more than the cores.
          maxWorkers: 3,
          // Files share their fork's module cache: unit files keep no global state, and
          // loading the stack once per fork instead of once per file saves a third of the CPU.
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          globalSetup: ['test/global-setup.ts'],
          setupFiles: ['test/setup-runtime.ts'],
          // One file at a time keeps the 2-core CI machines from timing out while the dev
          // server is busy.
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
