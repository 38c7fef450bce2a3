import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { type ActivityDeps, createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { ensureBranchSyncs } from '../../src/temporal/ensure-branch-syncs.js';
import { branchSyncWorkflowId, syncStatusQuery } from '../../src/workflows/branch-sync-types.js';
import type { TestDatabase } from './database.js';
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
  const config = {
    branches: BRANCHES,
    temporal: { address: '', namespace: 'default', taskQueue },
    rentprog: {
      syncIntervalMs: 3_600_000,
      pageLimit: 20,
      pollSinceDays: 3650,
      maxRequestsPerMinute: 60_000,
    } as never,
  };
  await ensureBranchSyncs(env.client, config);
  for (const branch of BRANCHES) {
    const handle = env.client.workflow.getHandle(branchSyncWorkflowId(branch));
    for (let i = 0; i < 600; i++) {
      const status = await handle.query(syncStatusQuery);
      if (status.runsCompleted > 0 && status.state === 'idle') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
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
