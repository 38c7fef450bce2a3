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

describe('rentprog-flow sync when Postgres refuses a record (the real binary)', () => {
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
    // A rule the store cannot know of, which one batumi booking breaks (SQLSTATE 22003).
    await database.db.exec(
      `ALTER TABLE bookings ADD CONSTRAINT days_fit CHECK ((data->>'days')::smallint >= 0)`,
    );
    const booking = sim.branch('batumi').list('booking', 12, 1)[0]!;
    sim.branch('batumi').update('booking', booking.id, { days: 70_000 });
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-cli-rejects-'));
    cliEnv = serviceEnv({ keys, sim, taskQueue: service.taskQueue, database, dataDir });
  });
  afterAll(async () => {
    await service?.stop();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sync --wait --json: exit 0, the run succeeded, and the rejects are in the output', async () => {
    const { code, stdout } = await runCli(['sync', 'batumi', '--wait', '--json'], cliEnv);
    expect(code).toBe(0);
    const data = sim.branch('batumi');
    expect(JSON.parse(stdout)).toEqual([
      {
        branch: 'batumi',
        status: 'succeeded',
        rejects: 1,
        counts: {
          cars: expect.objectContaining({ fetched: data.count('car'), rejected: 0 }) as unknown,
          clients: expect.objectContaining({ fetched: data.count('client'), rejected: 0 }) as unknown,
          bookings: expect.objectContaining({ fetched: data.count('booking'), rejected: 1 }) as unknown,
        },
      },
    ]);
  });

  it('sync --wait: exit 0, and the line says how many records were not stored and where they are', async () => {
    const { code, stdout } = await runCli(['sync', 'batumi', '--wait'], cliEnv);
    expect(code).toBe(0);
    expect(stdout).toContain('✓ batumi: succeeded');
    expect(stdout).toContain('1 not stored (see sync_rejects)');
  });
});
