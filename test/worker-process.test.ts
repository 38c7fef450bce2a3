import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { runHealthCheck } from '../src/temporal/run-health-check.js';
import type { Simulator } from '../src/simulator/simulator.js';
import { branchSyncWorkflowId, syncStatusQuery } from '../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from './helpers/database.js';
import { startSimulator } from './helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue } from './helpers/temporal.js';

describe('rentprog-flow worker (the real process)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let dataDir: string;
  let child: ChildProcess | undefined;
  let output = '';
  let sim: Simulator;
  const keys = { tbilisi: 'placeholder-company-token-worker-test' };

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-worker-'));
    sim = await startSimulator(keys, { scale: 20 });
  });
  afterAll(async () => {
    child?.kill('SIGKILL');
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  async function waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(output)) {
      if (Date.now() > deadline) throw new Error(`no ${pattern} in worker output:\n${output}`);
      if (child?.exitCode !== null) throw new Error(`worker exited early:\n${output}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('serves workflows, starts the branch sync, and shuts down cleanly on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('worker-process');
    child = spawn(process.execPath, ['bin/rentprog-flow.js', 'worker'], {
      env: {
        PATH: process.env.PATH,
        RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
        RENTPROG_BASE_URL: sim.baseUrl,
        RENTPROG_WEBHOOK_SECRETS: '{"tbilisi": "placeholder-webhook-secret"}',
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    await waitForOutput(/worker polling task queue/, 90_000);
    const report = await runHealthCheck(env.client, {
      taskQueue,
      probes: [{ kind: 'database', name: 'database' }],
    });
    expect(report.probes[0]).toMatchObject({ name: 'database', ok: true });

    // The worker made sure tbilisi's sync runs; its first run starts at once.
    await waitForOutput(/branch syncs running: tbilisi/, 30_000);
    const sync = env.client.workflow.getHandle(branchSyncWorkflowId('tbilisi'));
    for (let i = 0; i < 200 && !(await sync.query(syncStatusQuery)).lastRun; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await sync.query(syncStatusQuery)).lastRun).toMatchObject({ status: 'succeeded' });
    await sync.terminate('test over');

    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
    expect(output).toContain('worker stopped');
    child = undefined;
  });

  it('exits 0 on SIGTERM in the middle of a sync, and the next start finishes that run', async () => {
    const taskQueue = uniqueTaskQueue('worker-midsync');
    const big = await startSimulator(keys, { scale: 300 });
    big.setFault('all_bookings', { latencyMs: 150 });
    const sync = env.client.workflow.getHandle(branchSyncWorkflowId('tbilisi'));
    await sync.terminate('fresh start for this test').catch(() => undefined);
    const workerEnv = {
      PATH: process.env.PATH,
      RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
      RENTPROG_WEBHOOK_SECRETS: '{"tbilisi": "placeholder-webhook-secret"}',
      RENTPROG_BASE_URL: big.baseUrl,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TEMPORAL_TASK_QUEUE: taskQueue,
      ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
    };
    const start = () => {
      output = '';
      child = spawn(process.execPath, ['bin/rentprog-flow.js', 'start', '--role', 'worker'], {
        env: workerEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      return child;
    };
    try {
      const first = start();
      await waitForOutput(/branch syncs running/, 90_000);
      for (let i = 0; i < 300; i++) {
        const status = await sync.query(syncStatusQuery);
        if (status.current?.kind === 'bookings' && status.current.page >= 3) break;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const exited = once(first, 'exit');
      first.kill('SIGTERM');
      expect(((await exited) as [number | null])[0]).toBe(0);

      const second = start();
      for (let i = 0; i < 600 && !(await sync.query(syncStatusQuery)).lastRun; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await sync.query(syncStatusQuery)).lastRun).toMatchObject({
        status: 'succeeded',
        runNumber: 1,
      });
      const firstPages = big.requests.list({ route: 'all_bookings' }).filter((r) => r.page === 1);
      expect(firstPages).toHaveLength(1);
      second.kill('SIGTERM');
      await once(second, 'exit');
    } finally {
      await sync.terminate('test over').catch(() => undefined);
      await big.stop();
    }
    // Two worker starts and a 150 ms-a-page walk: about 50 s on a quiet two-core machine.
  }, 150_000);
});
