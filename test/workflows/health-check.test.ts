import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { runHealthCheck } from '../../src/temporal/run-health-check.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('healthCheck workflow on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
    await env?.teardown();
  });

  async function withWorker<T>(
    activities: ReturnType<typeof createActivities>,
    work: (taskQueue: string) => Promise<T>,
  ) {
    const taskQueue = uniqueTaskQueue('health');
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities,
    });
    return worker.runUntil(work(taskQueue));
  }

  it('reports a reachable database as healthy, with its latency', async () => {
    const report = await withWorker(createActivities({ db: database.db }), (taskQueue) =>
      runHealthCheck(env.client, { taskQueue, probes: [{ kind: 'database', name: 'database' }] }),
    );
    expect(report.ok).toBe(true);
    expect(report.probes).toHaveLength(1);
    expect(report.probes[0]).toMatchObject({ name: 'database', ok: true });
    expect(report.probes[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('reports an unreachable database with a short reason instead of failing', async () => {
    // A port nothing listens on: the probe must answer "refused", not throw or hang.
    const unreachable = openPostgres('postgres://postgres@127.0.0.1:1/none');
    try {
      const report = await withWorker(createActivities({ db: unreachable }), (taskQueue) =>
        runHealthCheck(env.client, {
          taskQueue,
          probes: [
            { kind: 'database', name: 'database' },
            { kind: 'database', name: 'database replica' },
          ],
        }),
      );
      expect(report.ok).toBe(false);
      expect(report.probes.map((p) => [p.name, p.ok, p.reason])).toEqual([
        ['database', false, 'connection refused'],
        ['database replica', false, 'connection refused'],
      ]);
    } finally {
      await unreachable.close();
    }
  });

  it('turns a probe that exceeds its deadline into a failure of at most 30 characters', async () => {
    const slowDb = { ...database.db, query: () => new Promise<never>(() => undefined) };
    const report = await withWorker(createActivities({ db: slowDb, probeTimeoutMs: 200 }), (taskQueue) =>
      runHealthCheck(env.client, { taskQueue, probes: [{ kind: 'database', name: 'database' }] }),
    );
    expect(report.probes[0]).toMatchObject({ ok: false, reason: 'timed out' });
    expect(report.probes[0]!.latencyMs).toBeGreaterThanOrEqual(200);
  });

  it('fails within its execution timeout when no worker is running', async () => {
    const started = Date.now();
    await expect(
      runHealthCheck(env.client, {
        taskQueue: uniqueTaskQueue('nobody-polls'),
        probes: [{ kind: 'database', name: 'database' }],
        timeoutMs: 2000,
      }),
    ).rejects.toBeInstanceOf(WorkflowFailedError);
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
