import { decodePendingActivityState } from '@temporalio/client';
import { decodeTimeoutType } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { branchSyncWorkflowId, syncStatusQuery } from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { type RunningProcess, startCli } from '../../harness/processes.js';
import { clientFor, startSimulator } from '../helpers/simulator.js';
import { serviceEnv } from '../helpers/service.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

// The killed worker is a real process and the one taking over lives in this one, so both
// need the same database: a Postgres server (PGlite belongs to a single process).
describe.skipIf(!process.env.TEST_DATABASE_URL)('a sync slice whose worker is killed (kill -9)', () => {
  const keys = { tbilisi: 'placeholder-company-token-heartbeat-test' };
  const taskQueue = uniqueTaskQueue('heartbeat');
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let child: RunningProcess | undefined;
  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();
  const sync = () => env.client.workflow.getHandle(branchSyncWorkflowId('tbilisi'));

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys, { scale: 100 });
    await sync()
      .terminate('fresh start for this test')
      .catch(() => undefined);
  });
  afterAll(async () => {
    await child?.stop('SIGKILL');
    await sync()
      .terminate('test over')
      .catch(() => undefined);
    for (const worker of workers) worker.shutdown();
    await running;
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  /** The events of every run of the sync so far: it continues as new, even mid-run. */
  async function historyOfAllRuns() {
    const events = [];
    let runId: string | undefined;
    do {
      const history = await env.client.workflow
        .getHandle(branchSyncWorkflowId('tbilisi'), runId)
        .fetchHistory();
      events.unshift(...history.events!);
      runId =
        history.events![0]!.workflowExecutionStartedEventAttributes?.continuedExecutionRunId ?? undefined;
    } while (runId);
    return events;
  }

  it('is retried on its heartbeat timeout, and the run resumes at the page it was on', async () => {
    // Slow booking pages, so a slice is surely in flight (and has heartbeated) when the worker dies.
    sim.setFault('all_bookings', { latencyMs: 5000 });
    const worker = startCli(['start', '--role', 'worker'], {
      env: serviceEnv({ keys, sim, taskQueue, database }),
    });
    child = worker;

    const inFlight = await vi.waitFor(
      async () => {
        const status = await sync()
          .query(syncStatusQuery)
          .catch(() => null);
        if (!status || status.current?.kind !== 'bookings' || status.current.page < 3)
          throw new Error(`not on booking page 3 yet: ${worker.output.slice(-500)}`);
        const slice = (await sync().describe()).raw.pendingActivities?.find(
          (a) => a.activityType?.name === 'syncPages',
        );
        if (decodePendingActivityState(slice?.state) !== 'STARTED' || !slice?.lastHeartbeatTime)
          throw new Error('no slice running with a heartbeat yet');
        return { page: status.current.page };
      },
      { timeout: 150_000, interval: 200 },
    );
    await worker.stop('SIGKILL');
    child = undefined;
    const killedAt = Date.now();
    sim.faults.clear();

    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: { address: '', namespace: 'default', taskQueue },
      branches: ['tbilisi'],
      maxRequestsPerMinute: 6000,
      workflowBundle: workflowBundle(),
      activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys) }),
    });
    running = Promise.all(workers.map((w) => w.run()));

    const done = await vi.waitFor(
      async () => {
        const status = await sync().query(syncStatusQuery);
        if (!status.lastRun) throw new Error('the first run has not finished');
        return status;
      },
      { timeout: 120_000, interval: 200 },
    );
    expect(done.lastRun).toMatchObject({ status: 'succeeded', runNumber: 1, rejects: 0 });
    expect(done.lastRun!.counts.bookings!.fetched).toBe(sim.branch('tbilisi').count('booking'));

    // Temporal retried the killed slice because its heartbeats stopped, not after the
    // two-minute start-to-close timeout.
    const retried = (await historyOfAllRuns())
      .map((e) => e.activityTaskStartedEventAttributes)
      .find((started) => (started?.attempt ?? 0) > 1);
    expect(decodeTimeoutType(retried?.lastFailure?.timeoutFailureInfo?.timeoutType)).toBe('HEARTBEAT');

    // The new worker went on at the page the dead one was on: no page before it again.
    const pages = sim.requests
      .list({ route: 'all_bookings' })
      .filter((r) => r.at >= killedAt)
      .map((r) => r.page);
    expect(pages[0]).toBe(inFlight.page);
    expect(new Set(pages).size).toBe(pages.length);
    expect(pages.every((page) => page! >= inFlight.page)).toBe(true);
    const [{ count }] = (await database.db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM bookings WHERE branch = 'tbilisi'",
    )) as [{ count: number }];
    expect(count).toBe(sim.branch('tbilisi').count('booking'));
  }, 300_000);
});
