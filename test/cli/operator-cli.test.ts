import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { runCli } from '../../harness/processes.js';
import { serviceEnv, startService } from '../helpers/service.js';
import { companyTokens, startSmallSimulator } from '../helpers/simulator.js';
import { connectToDevServer } from '../helpers/temporal.js';

describe('rentprog-flow status and sync (the real binary)', () => {
  const keys = companyTokens();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let service: Awaited<ReturnType<typeof startService>>;
  let dataDir: string;
  let cliEnv: Record<string, string | undefined>;

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSmallSimulator(keys);
    service = await startService(env, database, sim, keys);
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-cli-'));
    cliEnv = serviceEnv({ keys, sim, taskQueue: service.taskQueue, database, dataDir });
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('status: the health table, exit 0 when all is well', async () => {
    const { code, stdout } = await runCli(['status'], cliEnv);
    expect(code).toBe(0);
    expect(stdout).toContain('✅ Temporal');
    expect(stdout).toContain('✅ RentProg service-center');
    expect(stdout).toContain('⚪ Stripe API — не настроено');
    for (const token of Object.values(keys)) expect(stdout).not.toContain(token);
  });

  it('status --json: exit 1 and the failing branch when one fails', async () => {
    sim.setFault('all_cars@kutaisi', { status: 401 });
    try {
      const { code, stdout } = await runCli(['status', '--json'], cliEnv);
      expect(code).toBe(1);
      const status = JSON.parse(stdout) as {
        ok: boolean;
        lines: { id: string; state: string; reason?: string }[];
      };
      expect(status.ok).toBe(false);
      expect(status.lines.find((l) => l.id === 'rentprog:kutaisi')).toEqual({
        id: 'rentprog:kutaisi',
        state: 'fail',
        reason: 'auth refused (401)',
      });
      expect(status.lines.find((l) => l.id === 'temporal')?.state).toBe('ok');
    } finally {
      sim.faults.clear();
    }
  });

  it('sync --wait --json: one branch, final counts equal to RentProg', async () => {
    const { code, stdout, stderr } = await runCli(['sync', 'batumi', '--wait', '--json'], cliEnv);
    expect(code).toBe(0);
    const data = sim.branch('batumi');
    expect(JSON.parse(stdout)).toEqual([
      {
        branch: 'batumi',
        status: 'succeeded',
        counts: {
          cars: expect.objectContaining({ fetched: data.count('car') }) as unknown,
          clients: expect.objectContaining({ fetched: data.count('client') }) as unknown,
          bookings: expect.objectContaining({ fetched: data.count('booking') }) as unknown,
        },
      },
    ]);
    expect(stderr).not.toContain('Error');
  });

  it('sync --wait: exit 1 with the reason when a run fails', async () => {
    sim.setFault('all_bookings@tbilisi', { status: 403 });
    try {
      const { code, stdout } = await runCli(['sync', 'tbilisi', '--wait'], cliEnv);
      expect(code).toBe(1);
      expect(stdout).toContain('✗ tbilisi: failed');
      expect(stdout).toContain('RentProg refused a fresh token');
    } finally {
      sim.faults.clear();
    }
  });

  it('sync with an unknown branch: one clear line and exit 1', async () => {
    const { code, stderr } = await runCli(['sync', 'paris'], cliEnv);
    expect(code).toBe(1);
    expect(stderr.trim()).toBe(
      'rentprog-flow: unknown branch "paris" (branches: tbilisi, batumi, kutaisi, service-center)',
    );
  });

  it('every command has --help', async () => {
    for (const command of ['start', 'status', 'sync', 'webhooks', 'simulator', 'migrate']) {
      const { code, stdout } = await runCli([command, '--help'], {});
      expect(code).toBe(0);
      expect(stdout).toContain(`rentprog-flow ${command}`);
    }
  });
});
