import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { inject } from 'vitest';
import { type ActivityDeps, createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { ensureBranchSyncs } from '../../src/temporal/ensure-branch-syncs.js';
import { branchSyncWorkflowId } from '../../src/workflows/branch-sync-types.js';
import type { TestDatabase } from '../../harness/database.js';
import { waitForSync } from '../../harness/sync-status.js';
import { BRANCHES, clientFor } from './simulator.js';
import { uniqueTaskQueue, workflowBundle } from './temporal.js';

/**
 * The service's Temporal side for one test file: workers on a fresh task queue and one
 * branchSync per branch, each finished with its first run. Stop it in afterAll.
 */
export async function startService(
  env: TestWorkflowEnvironment,
  database: TestDatabase,
  sim: Simulator,
  keys: Record<string, string>,
  /** More for the activities than the database and RentProg: Telegram, branch names, zones. */
  deps: Partial<ActivityDeps> = {},
) {
  const taskQueue = uniqueTaskQueue('service');
  const terminateSyncs = () =>
    Promise.all(
      BRANCHES.map((b) =>
        env.client.workflow
          .getHandle(branchSyncWorkflowId(b))
          .terminate('test cleanup')
          .catch(() => undefined),
      ),
    );
  await terminateSyncs();
  const workers: Worker[] = await createWorkers({
    connection: env.nativeConnection,
    temporal: { address: '', namespace: 'default', taskQueue },
    branches: BRANCHES,
    maxRequestsPerMinute: 60_000,
    workflowBundle: workflowBundle(),
    activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys), ...deps }),
  });
  const running = Promise.all(workers.map((w) => w.run()));
  const config = testSyncConfig(taskQueue);
  await ensureBranchSyncs(env.client, config);
  for (const branch of BRANCHES) {
    await waitForSync(
      env.client,
      branch,
      (status) => status.runsCompleted > 0 && status.state === 'idle',
      'the first run',
      60_000,
    );
  }
  return {
    taskQueue,
    async stop() {
      await terminateSyncs();
      for (const worker of workers) worker.shutdown();
      await running;
    },
  };
}

/**
 * What an operator sets for `rentprog-flow`, pointing at this test's simulator, dev
 * server and database (a data directory on PGlite), for the real binary.
 */
export function serviceEnv(options: {
  keys: Record<string, string>;
  sim: Simulator;
  taskQueue: string;
  database: TestDatabase;
  /** Where the service keeps PGlite's files when there is no Postgres server. */
  dataDir?: string;
}): Record<string, string> {
  const { keys, sim, taskQueue, database, dataDir } = options;
  if (!database.url && !dataDir) throw new Error('serviceEnv: PGlite needs a dataDir');
  return {
    RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
    RENTPROG_WEBHOOK_SECRETS: JSON.stringify(
      Object.fromEntries(Object.keys(keys).map((branch) => [branch, `webhook-secret-${branch}-xyz`])),
    ),
    RENTPROG_BASE_URL: sim.baseUrl,
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    TEMPORAL_TASK_QUEUE: taskQueue,
    ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir! }),
  };
}

/**
 * The sync settings tests start branchSync with: hourly (so runs come when a test asks),
 * every booking however old, and a request budget that holds nothing back unless given.
 */
export const testSyncConfig = (taskQueue: string, maxRequestsPerMinute = 60_000, branches = BRANCHES) => ({
  branches,
  temporal: { address: '', namespace: 'default', taskQueue },
  rentprog: { syncIntervalMs: 3_600_000, pageLimit: 20, pollSinceDays: 3650, maxRequestsPerMinute } as never,
});
