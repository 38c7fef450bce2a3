import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import { authIncidents } from '../../src/rentprog/api/client-from-config.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { branchSyncStartOptions } from '../../src/temporal/ensure-branch-syncs.js';
import type { branchSync } from '../../src/workflows/branch-sync.js';
import { syncNowSignal } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { startFakeTelegram } from '../../harness/fake-telegram.js';
import { captureLogs } from '../helpers/log-capture.js';
import { clientFor, expectNoSecret, startSimulator } from '../helpers/simulator.js';
import { testSyncConfig } from '../helpers/service.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';
import { alertingIncidents, alertsIn } from './alerting.js';

// A branch of its own: its sync's workflow id is not shared with other test files.
const BRANCH = `batumi-${randomUUID().slice(0, 6)}`;

describe("a branch's RentProg token refused, then restored", () => {
  const keys = { [BRANCH]: `company-${randomUUID()}` };
  const logs = captureLogs();
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let telegram: Awaited<ReturnType<typeof startFakeTelegram>>;
  let workers: Worker[] = [];
  let running: Promise<unknown>;
  const taskQueue = uniqueTaskQueue('alerts');

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys, {
      branches: [{ name: BRANCH, companyToken: keys[BRANCH]!, bookings: 12 }],
    });
    telegram = await startFakeTelegram();
    const incidents = alertingIncidents({
      telegram,
      db: database.db,
      logger: logs.logger,
      branchNames: { [BRANCH]: 'Батуми' },
      timeZones: { [BRANCH]: 'Asia/Tbilisi' },
    });
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: { address: '', namespace: 'default', taskQueue },
      branches: [BRANCH],
      maxRequestsPerMinute: 60_000,
      workflowBundle: workflowBundle(),
      activities: createActivities({
        db: database.db,
        rentprog: clientFor(sim, keys, { authWatch: authIncidents(incidents) }),
        incidents,
      }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  });
  afterAll(async () => {
    await env?.client.workflow
      .getHandle(`rentprog-sync:${BRANCH}`)
      .terminate('test cleanup')
      .catch(() => undefined);
    for (const worker of workers) worker.shutdown();
    await running;
    await telegram?.close();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  const failedRuns = async () =>
    (await database.db.query(`SELECT id FROM sync_runs WHERE status = 'failed'`)).length;

  it('tells the alert chat once per incident, and once when each is over', async () => {
    sim.setFault(`get_token@${BRANCH}`, { status: 401 });
    const handle = await env.client.workflow.start<typeof branchSync>('branchSync', {
      ...branchSyncStartOptions(testSyncConfig(taskQueue, 60_000, [BRANCH]), BRANCH),
    });

    await vi.waitFor(() => expect(alertsIn(telegram)).toHaveLength(2), { timeout: 30_000, interval: 100 });
    expect(alertsIn(telegram)).toEqual(
      expect.arrayContaining([
        [
          '🚨 🔑 RentProg не принимает токен филиала Батуми',
          `Причина: RentProg ${BRANCH} /get_token → 401: RentProg refused the company token (check RENTPROG_BRANCH_KEYS)`,
          'Проверьте токен компании этого филиала в RENTPROG_BRANCH_KEYS (RentProg → Настройки → API).',
        ].join('\n'),
        expect.stringMatching(/^🚨 🔄 Синхронизация филиала Батуми не удаётся\nПричина: .*401/),
      ]),
    );

    // Every retry and every further run meets the same refusal: nothing more is sent.
    for (let run = 2; run <= 4; run++) {
      await handle.signal(syncNowSignal, {});
      await vi.waitFor(async () => expect(await failedRuns()).toBe(run), { timeout: 30_000, interval: 100 });
    }
    expect(alertsIn(telegram)).toHaveLength(2);

    sim.faults.clear();
    await handle.signal(syncNowSignal, {});
    await vi.waitFor(() => expect(alertsIn(telegram)).toHaveLength(4), { timeout: 30_000, interval: 100 });
    expect(alertsIn(telegram).slice(2).sort()).toEqual([
      expect.stringMatching(/^✅ Решено: RentProg не принимает токен филиала Батуми\nДлилось /),
      expect.stringMatching(/^✅ Решено: Синхронизация филиала Батуми не удаётся\nДлилось /),
    ]);
    const incidents = await database.db.query<{ kind: string; occurrences: number; open: boolean }>(
      'SELECT kind, occurrences, resolved_at IS NULL AS open FROM incidents ORDER BY kind',
    );
    expect(incidents).toEqual([
      { kind: 'auth', occurrences: 4, open: false },
      { kind: 'sync_failed', occurrences: 4, open: false },
    ]);
    for (const text of alertsIn(telegram)) expectNoSecret(text, keys);
    expectNoSecret(logs.lines.join('\n'), keys);
  });
});
