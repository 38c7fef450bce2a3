import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { readSyncStatus, requestSync, syncFinished } from '../../src/temporal/sync-control.js';
import { branchSyncWorkflowId } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { clientFor, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('asking for a sync before the worker has started the branch’s workflow', () => {
  const taskQueue = uniqueTaskQueue('sync-request');
  // A branch name of its own: no other test has a branchSync under this id.
  const branch = `req-${taskQueue.slice(-8)}`;
  const config = {
    branches: [branch],
    temporal: { address: '', namespace: 'default', taskQueue },
    rentprog: {
      syncIntervalMs: 3_600_000,
      pageLimit: 20,
      pollSinceDays: 3650,
      maxRequestsPerMinute: 6000,
    } as never,
  };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(
      { [branch]: 'sync-request-company-token' },
      {
        branches: [
          { name: branch, companyToken: 'sync-request-company-token', bookings: 12, cars: 3, clients: 5 },
        ],
      },
    );
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: config.temporal,
      branches: [branch],
      maxRequestsPerMinute: 6000,
      workflowBundle: workflowBundle(),
      activities: createActivities({
        db: database.db,
        rentprog: clientFor(sim, { [branch]: 'sync-request-company-token' }),
      }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  });
  afterAll(async () => {
    await env?.client.workflow
      .getHandle(branchSyncWorkflowId(branch))
      .terminate('test over')
      .catch(() => undefined);
    for (const worker of workers) worker.shutdown();
    await running;
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  it('without the configuration says "not running"; with it, starts the workflow with the request', async () => {
    expect(await requestSync(env.client, [branch], {})).toEqual([{ branch, error: 'not-running' }]);

    const [requested] = await requestSync(env.client, [branch], { kinds: ['cars'] }, config);
    expect(requested).toEqual({ branch, runsBefore: 0 });
    const status = await vi.waitFor(
      async () => {
        const state = await readSyncStatus(env.client, branch);
        if ('error' in state || !syncFinished(state.status, 0))
          throw new Error('the requested run is not over');
        return state.status;
      },
      { timeout: 60_000, interval: 200 },
    );
    // The request itself was the first run: cars only, not the scheduled full walk.
    expect(status.lastRun?.counts).toMatchObject({ cars: { fetched: 3 } });
    expect(status.lastRun?.counts.bookings).toBeUndefined();

    // Running now: the same call only signals, and the workflow's first run stays the one.
    const firstRunId = (await env.client.workflow.getHandle(branchSyncWorkflowId(branch)).describe()).runId;
    const [again] = await requestSync(env.client, [branch], { kinds: ['cars'] }, config);
    expect(again).toEqual({ branch, runsBefore: 1 });
    expect((await env.client.workflow.getHandle(branchSyncWorkflowId(branch)).describe()).runId).toBe(
      firstRunId,
    );
  });
});
