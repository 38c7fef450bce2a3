import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { ensureHealthSchedule, HEALTH_SCHEDULE_ID } from '../../src/temporal/ensure-health-schedule.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { clientFor, startSimulator } from '../helpers/simulator.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { alertingIncidents, alertsIn } from './alerting.js';

const BRANCH = `kutaisi-${randomUUID().slice(0, 6)}`;

describe('the health-check Schedule', () => {
  const keys = { [BRANCH]: `company-${randomUUID()}` };
  const logs = captureLogs();
  const taskQueue = uniqueTaskQueue('health-schedule');
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;

  const removeSchedule = () =>
    env.client.schedule
      .getHandle(HEALTH_SCHEDULE_ID)
      .delete()
      .catch(() => undefined);

  beforeAll(async () => {
    env = await connectToDevServer();
    await removeSchedule();
    database = await createTestDatabase();
    sim = await startSimulator(keys, {
      branches: [{ name: BRANCH, companyToken: keys[BRANCH]!, bookings: 5 }],
    });
    telegram = await startFakeTelegram();
  });
  afterAll(async () => {
    await removeSchedule();
    await telegram?.close();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  const config = (checkIntervalMs: number) => ({
    branches: [BRANCH],
    temporal: { address: '', namespace: 'default', taskQueue },
    health: { checkIntervalMs },
  });

  it('is created once and brought up to date at every start, keeping a pause', async () => {
    await ensureHealthSchedule(env.client, config(3_600_000));
    const handle = env.client.schedule.getHandle(HEALTH_SCHEDULE_ID);
    await handle.pause('operator looking into it');
    await ensureHealthSchedule(env.client, config(5 * 60_000));
    const described = await handle.describe();
    expect(described.spec.intervals).toEqual([expect.objectContaining({ every: 5 * 60_000 })]);
    expect(described.state.paused).toBe(true);
    expect(described.action).toMatchObject({ workflowType: 'healthCheck', taskQueue });
    expect(described.action.args).toEqual([
      {
        probes: [
          { kind: 'database', name: 'database' },
          { kind: 'rentprog', name: `rentprog:${BRANCH}`, branch: BRANCH },
          { kind: 'umnico', name: 'umnico' },
          { kind: 'stripe', name: 'stripe' },
        ],
        report: true,
      },
    ]);
  });

  it('a probe failing in two scheduled checks in a row opens an incident; the next passing check resolves it', async () => {
    const incidents = alertingIncidents({
      telegram,
      db: database.db,
      logger: logs.logger,
      branchNames: { [BRANCH]: 'Кутаиси' },
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: workflowBundle(),
      activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys), incidents }),
    });
    await ensureHealthSchedule(env.client, config(3_600_000));
    const handle = env.client.schedule.getHandle(HEALTH_SCHEDULE_ID);
    await handle.pause('only the checks this test triggers');
    const failures = async () =>
      (
        await database.db.query<{ consecutive_failures: number }>(
          'SELECT consecutive_failures FROM health_probe_streaks WHERE name = $1',
          [`rentprog:${BRANCH}`],
        )
      )[0]?.consecutive_failures;
    /** Runs one check now (the Schedule stays paused otherwise) and waits for its report. */
    const checkNow = async (expectedFailures: number) => {
      const before = (await handle.describe()).info.recentActions.length;
      await handle.trigger();
      const started = await vi.waitFor(
        async () => {
          const { recentActions } = (await handle.describe()).info;
          expect(recentActions.length).toBe(before + 1);
          return recentActions.at(-1)!.action.workflow;
        },
        { timeout: 30_000, interval: 200 },
      );
      await env.client.workflow.getHandle(started.workflowId, started.firstExecutionRunId).result();
      expect(await failures()).toBe(expectedFailures);
    };

    await worker.runUntil(async () => {
      sim.setFault(`all_cars@${BRANCH}`, { status: 500 });
      await checkNow(1);
      expect(alertsIn(telegram)).toEqual([]);
      await checkNow(2);
      expect(alertsIn(telegram)).toEqual([
        [
          '🚨 🩺 Проверка «RentProg Кутаиси» не проходит',
          'Причина: server error 500',
          'Проверьте, отвечает ли RentProg, и токен филиала в RENTPROG_BRANCH_KEYS.',
        ].join('\n'),
      ]);
      sim.faults.clear();
      await checkNow(0);
      expect(alertsIn(telegram).slice(1)).toEqual([
        expect.stringMatching(/^✅ Решено: Проверка «RentProg Кутаиси» не проходит\nДлилось /),
      ]);
    });
  });
});
