import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { branchSyncWorkflowId } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { type RunningProcess, startCli } from '../../harness/processes.js';
import { startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue } from '../helpers/temporal.js';

describe('rentprog-flow start: the first and the last screen', () => {
  const keys = { tbilisi: 'placeholder-company-token-ctrl-c', batumi: 'placeholder-company-token-ctrl-c-2' };
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let dataDir: string;
  let service: RunningProcess | undefined;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-ctrl-c-'));
    sim = await startSimulator(keys, { scale: 10 });
  });
  afterAll(async () => {
    await service?.stop('SIGKILL');
    for (const branch of Object.keys(keys)) {
      await env?.client.workflow
        .getHandle(branchSyncWorkflowId(branch))
        .terminate('test over')
        .catch(() => undefined);
    }
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('shows the masked webhook URLs and no warning at start, and says goodbye with exit 0 on Ctrl-C', async () => {
    service = startCli(['start'], {
      env: {
        RENTPROG_BRANCH_KEYS: JSON.stringify(keys),
        RENTPROG_BASE_URL: sim.baseUrl,
        RENTPROG_WEBHOOK_SECRETS: JSON.stringify({
          tbilisi: 'tbilisi-webhook-secret-0123',
          batumi: 'batumi-webhook-secret-4567',
        }),
        PUBLIC_BASE_URL: 'https://rentprog.example.org',
        PORT: '0',
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('ctrl-c'),
        TEMPORAL_PAYLOAD_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
        ...(database.url ? { DATABASE_URL: database.url } : { DATA_DIR: dataDir }),
      },
    });
    await service.waitForOutput(/branch syncs running/, 90_000);
    await service.waitForOutput(/ingress listening/, 30_000);
    expect(service.stdout).toContain('https://rentprog.example.org/webhooks/rentprog/tbilisi?t=tbi***');
    expect(service.stdout).toContain('https://rentprog.example.org/webhooks/rentprog/batumi?t=bat***');
    expect(service.output).not.toContain('webhook-secret');

    await service.stop('SIGINT');
    expect(service.exitCode).toBe(0);
    expect(service.stdout).toContain('rentprog-flow stopped, goodbye');
    expect(service.output).not.toContain('Not running');
    expect(service.output).not.toMatch(/\[WARN\]|"level":(40|50|60)/);
  }, 150_000);
});
