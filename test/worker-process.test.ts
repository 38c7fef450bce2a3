import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runHealthCheck } from '../src/temporal/run-health-check.js';
import type { Simulator } from '../src/simulator/simulator.js';
import { branchSyncWorkflowId } from '../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../harness/database.js';
import { type RunningProcess, startCli } from '../harness/processes.js';
import { waitForSync } from '../harness/sync-status.js';
import { startSimulator } from './helpers/simulator.js';
import { serviceEnv } from './helpers/service.js';
import { connectToDevServer, uniqueTaskQueue } from './helpers/temporal.js';

describe('rentprog-flow worker (the real process)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let dataDir: string;
  let child: RunningProcess | undefined;
  let sim: Simulator;
  const keys = { tbilisi: 'placeholder-company-token-worker-test' };

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-worker-'));
    sim = await startSimulator(keys, { scale: 20 });
  });
  afterAll(async () => {
    await child?.stop('SIGKILL');
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves workflows, starts the branch sync, and shuts down cleanly on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('worker-process');
    child = startCli(['worker'], { env: serviceEnv({ keys, sim, taskQueue, database, dataDir }) });

    await child.waitForOutput(/worker polling task queue/, 90_000);
    const report = await runHealthCheck(env.client, {
      taskQueue,
      probes: [{ kind: 'database', name: 'database' }],
    });
    expect(report.probes[0]).toMatchObject({ name: 'database', ok: true });

    // The worker made sure tbilisi's sync runs; its first run starts at once.
    await child.waitForOutput(/branch syncs running: tbilisi/, 30_000);
    const synced = await waitForSync(env.client, 'tbilisi', (s) => !!s.lastRun, 'the first run', 20_000);
    expect(synced.lastRun).toMatchObject({ status: 'succeeded' });
    await env.client.workflow.getHandle(branchSyncWorkflowId('tbilisi')).terminate('test over');

    await child.stop('SIGTERM');
    expect(child.exitCode).toBe(0);
    expect(child.output).toContain('worker stopped');
    child = undefined;
  });

  it('exits 0 on SIGTERM in the middle of a sync, and the next start finishes that run', async () => {
    const taskQueue = uniqueTaskQueue('worker-midsync');
    const big = await startSimulator(keys, { scale: 300 });
    big.setFault('all_bookings', { latencyMs: 150 });
    const sync = env.client.workflow.getHandle(branchSyncWorkflowId('tbilisi'));
    await sync.terminate('fresh start for this test').catch(() => undefined);
    const workerEnv = serviceEnv({ keys, sim: big, taskQueue, database, dataDir });
    const start = () => (child = startCli(['start', '--role', 'worker'], { env: workerEnv }));
    try {
      const first = start();
      await first.waitForOutput(/branch syncs running/, 90_000);
      await waitForSync(
        env.client,
        'tbilisi',
        (s) => s.current?.kind === 'bookings' && s.current.page >= 3,
        'the first run at bookings page 3',
        30_000,
      );
      await first.stop('SIGTERM');
      expect(first.exitCode).toBe(0);

      const second = start();
      const resumed = await waitForSync(env.client, 'tbilisi', (s) => !!s.lastRun, 'the resumed run', 60_000);
      expect(resumed.lastRun).toMatchObject({
        status: 'succeeded',
        runNumber: 1,
      });
      const firstPages = big.requests.list({ route: 'all_bookings' }).filter((r) => r.page === 1);
      expect(firstPages).toHaveLength(1);
      await second.stop('SIGTERM');
    } finally {
      await sync.terminate('test over').catch(() => undefined);
      await big.stop();
    }
    // Two worker starts and a 150 ms-a-page walk: about 50 s on a quiet two-core machine.
  }, 150_000);
});
