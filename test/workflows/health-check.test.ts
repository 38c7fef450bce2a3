import { WorkflowFailedError } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { openPostgres } from '../../src/store/postgres-db.js';
import { runHealthCheck } from '../../src/temporal/run-health-check.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { standardProbes } from '../../src/workflows/health-check-types.js';
import { historyText } from '../../harness/history.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { BRANCHES, clientFor, companyTokens, expectNoSecret, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('healthCheck workflow on the dev server', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  const keys = companyTokens();
  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys);
  });
  afterAll(async () => {
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });
  const rentprog = () => clientFor(sim, keys);

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
    const report = await withWorker(
      createActivities({ db: database.db, rentprog: rentprog() }),
      (taskQueue) =>
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
      const report = await withWorker(
        createActivities({ db: unreachable, rentprog: rentprog() }),
        (taskQueue) =>
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
    const report = await withWorker(
      createActivities({ db: slowDb, rentprog: rentprog(), probeTimeoutMs: 200 }),
      (taskQueue) =>
        runHealthCheck(env.client, { taskQueue, probes: [{ kind: 'database', name: 'database' }] }),
    );
    expect(report.probes[0]).toMatchObject({ ok: false, reason: 'timed out' });
    expect(report.probes[0]!.latencyMs).toBeGreaterThanOrEqual(200);
  });

  it('probes every branch in parallel and names the one that fails', async () => {
    // batumi's company token is wrong: only batumi may fail, and no token may show.
    const wrongKeys = { ...keys, batumi: 'wrong-company-token' };
    const client = clientFor(sim, wrongKeys);
    let taskQueueUsed = '';
    const report = await withWorker(createActivities({ db: database.db, rentprog: client }), (taskQueue) => {
      taskQueueUsed = taskQueue;
      return runHealthCheck(env.client, { taskQueue, probes: standardProbes(BRANCHES) });
    });
    expect(report.ok).toBe(false);
    expect(report.probes.map((p) => [p.name, p.ok, p.reason])).toEqual([
      ['database', true, undefined],
      ['rentprog:tbilisi', true, undefined],
      ['rentprog:batumi', false, 'auth refused (401)'],
      ['rentprog:kutaisi', true, undefined],
      ['rentprog:service-center', true, undefined],
      ['umnico', false, undefined],
      ['stripe', false, undefined],
    ]);
    expect(report.probes.filter((p) => p.notConfigured).map((p) => p.name)).toEqual(['umnico', 'stripe']);
    const [run] = await listUntilFound(`TaskQueue = "${taskQueueUsed}"`);
    const events = (await env.client.workflow.getHandle(run!).fetchHistory()).events ?? [];
    // In parallel: one workflow task scheduled all seven probes, none waited for another.
    const scheduledBy = events.flatMap((event) => {
      const scheduled = event.activityTaskScheduledEventAttributes;
      return scheduled ? [String(scheduled.workflowTaskCompletedEventId)] : [];
    });
    expect(scheduledBy).toHaveLength(7);
    expect(new Set(scheduledBy).size).toBe(1);
    const history = historyText({ events });
    expect(history).toContain('auth refused (401)');
    expectNoSecret(history, wrongKeys);
  });

  /** Visibility on the dev server is eventually consistent: poll briefly. */
  function listUntilFound(query: string): Promise<string[]> {
    return vi.waitFor(
      async () => {
        const ids: string[] = [];
        for await (const run of env.client.workflow.list({ query })) ids.push(run.workflowId);
        if (ids.length === 0) throw new Error(`no workflow matches ${query}`);
        return ids;
      },
      { timeout: 5000, interval: 100 },
    );
  }

  it('fails with its execution timeout when no worker is running', async () => {
    const failure = runHealthCheck(env.client, {
      taskQueue: uniqueTaskQueue('nobody-polls'),
      probes: [{ kind: 'database', name: 'database' }],
      timeoutMs: 2000,
    });
    await expect(failure).rejects.toBeInstanceOf(WorkflowFailedError);
    await expect(failure).rejects.toThrow('Workflow execution timed out');
  });
});
