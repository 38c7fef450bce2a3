import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { branchSyncWorkflowId } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { type RunningProcess, startCli } from '../../harness/processes.js';
import { startSimulator } from '../helpers/simulator.js';
import { serviceEnv } from '../helpers/service.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

describe('start --role worker with METRICS_PORT (the real process)', () => {
  // A branch of its own: its sync workflow id is not shared with other tests.
  const branch = 'metrics-worker';
  const keys = { [branch]: 'placeholder-company-token-metrics-test' };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let dataDir: string;
  let sim: Simulator;
  const started: RunningProcess[] = [];

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-metrics-'));
    sim = await startSimulator(keys, { scale: 10 });
  });
  afterAll(async () => {
    await Promise.all(started.map((worker) => worker.stop('SIGKILL')));
    await env?.client.workflow
      .getHandle(branchSyncWorkflowId(branch))
      .terminate('test over')
      .catch(() => undefined);
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  function startWorker(taskQueue: string, metricsPort: number, dir: string): RunningProcess {
    const worker = startCli(['start', '--role', 'worker'], {
      env: {
        ...serviceEnv({ keys, sim, taskQueue, database, dataDir: dir }),
        METRICS_PORT: String(metricsPort),
      },
    });
    started.push(worker);
    return worker;
  }

  /** The port from the `metrics listening` log line (METRICS_PORT=0 lets the system choose). */
  async function metricsPortOf(worker: RunningProcess): Promise<number> {
    const [line] = await worker.waitForOutput(/^.*"metrics listening".*$/m, 90_000);
    return (JSON.parse(line) as { port: number }).port;
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
    await second.exited;
    expect(second.exitCode).toBe(1);
    expect(second.output).toContain(`METRICS_PORT ${port} is already in use`);

    await worker.stop('SIGTERM');
    expect(worker.exitCode).toBe(0);
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });
});
