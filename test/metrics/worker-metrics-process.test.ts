import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { branchSyncWorkflowId } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

/** A process of the service with its output collected. */
interface Running {
  child: ChildProcess;
  output: () => string;
}

describe('start --role worker with METRICS_PORT (the real process)', () => {
  // A branch of its own: its sync workflow id is not shared with other tests.
  const branch = 'metrics-worker';
  const keys = { [branch]: 'placeholder-company-token-metrics-test' };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let dataDir: string;
  let sim: Simulator;
  const started: ChildProcess[] = [];

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-metrics-'));
    sim = await startSimulator(keys, { scale: 10 });
  });
  afterAll(async () => {
    for (const child of started) child.kill('SIGKILL');
    await env?.client.workflow
      .getHandle(branchSyncWorkflowId(branch))
      .terminate('test over')
      .catch(() => undefined);
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  function startWorker(taskQueue: string, metricsPort: number, dir: string): Running {
    const child = spawn(process.execPath, ['bin/rentprog-flow.js', 'start', '--role', 'worker'], {
      env: {
        PATH: process.env.PATH,
        RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
        RENTPROG_BASE_URL: sim.baseUrl,
        RENTPROG_WEBHOOK_SECRETS: JSON.stringify({ [branch]: 'placeholder-webhook-secret' }),
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: taskQueue,
        METRICS_PORT: String(metricsPort),
        ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dir }),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.push(child);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  /** The port from the `metrics listening` log line (METRICS_PORT=0 lets the system choose). */
  async function metricsPortOf(worker: Running): Promise<number> {
    let port: number | undefined;
    await expect
      .poll(
        () => {
          if (worker.child.exitCode !== null) throw new Error(`worker exited early:\n${worker.output()}`);
          const line = worker
            .output()
            .split('\n')
            .find((text) => text.includes('"metrics listening"'));
          port = line ? (JSON.parse(line) as { port: number }).port : undefined;
          return port;
        },
        { timeout: 90_000, interval: 100 },
      )
      .toBeGreaterThan(0);
    return port!;
  }

  it('serves the worker’s RentProg and sync series, refuses a taken port, and frees it on SIGTERM', async () => {
    const taskQueue = uniqueTaskQueue('worker-metrics');
    const worker = startWorker(taskQueue, 0, dataDir);
    const port = await metricsPortOf(worker);
    const scrape = async () => (await fetch(`http://127.0.0.1:${port}/metrics`)).text();

    // The branch's first sync runs at once and reads RentProg through this process.
    await expect
      .poll(scrape, { timeout: 90_000, interval: 500 })
      .toMatch(new RegExp(`rentprog_last_successful_sync_timestamp_seconds\\{branch="${branch}"\\} \\d+`));
    const text = await scrape();
    expect(text).toMatch(
      new RegExp(`rentprog_api_requests_total\\{branch="${branch}",endpoint="[^"]+",status="200"\\} \\d+`),
    );
    expect(text).toMatch(new RegExp(`rentprog_sync_entities_total\\{branch="${branch}",kind="\\w+"\\} \\d+`));
    expect(text).toContain('rentprog_sync_interval_seconds 900');
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

    // A second process on the same METRICS_PORT does not start half-observed.
    const second = startWorker(uniqueTaskQueue('worker-metrics-2'), port, path.join(dataDir, 'second'));
    const [code] = (await once(second.child, 'exit')) as [number | null];
    expect(code).toBe(1);
    expect(second.output()).toContain(`METRICS_PORT ${port} is already in use`);

    const exited = once(worker.child, 'exit');
    worker.child.kill('SIGTERM');
    expect(((await exited) as [number | null])[0]).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
