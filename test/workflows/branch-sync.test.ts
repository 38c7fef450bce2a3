import type { WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import type { Simulator } from '../../src/simulator/simulator.js';
import { markEntitiesDeleted } from '../../src/store/entity-repository.js';
import { unstorable } from '../../src/store/storable.js';
import { createWorkers } from '../../src/temporal/create-worker.js';
import { ensureBranchSyncs } from '../../src/temporal/ensure-branch-syncs.js';
import {
  branchSyncWorkflowId,
  type SyncStatus,
  syncNowSignal,
  syncStatusQuery,
} from '../../src/workflows/branch-sync-types.js';
import { createTestDatabase, type TestDatabase } from '../../harness/database.js';
import { databaseAndSimulatorRows } from '../../harness/database-vs-simulator.js';
import { BRANCHES, clientFor, companyTokens, startSimulator } from '../helpers/simulator.js';
import { testSyncConfig } from '../helpers/service.js';
import { connectToDevServer, uniqueTaskQueue, workflowBundle } from '../helpers/temporal.js';

describe('branchSync on the dev server', () => {
  const keys = companyTokens();
  const taskQueue = uniqueTaskQueue('sync');
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let sim: Simulator;
  let workers: Worker[] = [];
  let running: Promise<unknown> = Promise.resolve();
  let tokenExpiry: NodeJS.Timeout | undefined;

  // RentProg's real budget: one page per activity, so progress shows page by page.
  const config = testSyncConfig(taskQueue, 120);

  async function startWorkers() {
    workers = await createWorkers({
      connection: env.nativeConnection,
      temporal: config.temporal,
      branches: BRANCHES,
      maxRequestsPerMinute: 60_000,
      workflowBundle: workflowBundle(),
      activities: createActivities({ db: database.db, rentprog: clientFor(sim, keys) }),
    });
    running = Promise.all(workers.map((w) => w.run()));
  }
  async function stopWorkers() {
    for (const worker of workers) worker.shutdown();
    await running;
  }

  beforeAll(async () => {
    env = await connectToDevServer();
    database = await createTestDatabase();
    sim = await startSimulator(keys, {
      branches: BRANCHES.map((name, i) => ({
        name,
        companyToken: keys[name]!,
        bookings: 35 + i * 7,
        cars: 4 + i,
        clients: 21 + i * 5,
      })),
    });
    for (const branch of BRANCHES) await terminate(branch);
    await startWorkers();
    await ensureBranchSyncs(env.client, config);
  });
  afterEach(() => {
    sim.faults.clear();
    clearInterval(tokenExpiry);
  });
  afterAll(async () => {
    for (const branch of BRANCHES) await terminate(branch);
    await stopWorkers();
    await sim?.stop();
    await database?.drop();
    await env?.teardown();
  });

  async function terminate(branch: string) {
    await env.client.workflow
      .getHandle(branchSyncWorkflowId(branch))
      .terminate('test cleanup')
      .catch(() => undefined);
  }
  const handle = (branch: string): WorkflowHandle =>
    env.client.workflow.getHandle(branchSyncWorkflowId(branch));
  const status = (branch: string) => handle(branch).query(syncStatusQuery);

  function waitForStatus(branch: string, done: (s: SyncStatus) => boolean, timeoutMs = 60_000) {
    return vi.waitFor(
      async () => {
        const current = await status(branch);
        if (!done(current)) throw new Error(`sync of ${branch} stuck: ${JSON.stringify(current)}`);
        return current;
      },
      { timeout: timeoutMs, interval: 100 },
    );
  }
  /** Signals a run and waits until it and anything it queued are done. */
  async function syncNow(branch: string, request = {}) {
    const before = (await status(branch)).runsCompleted;
    await handle(branch).signal(syncNowSignal, request);
    return waitForStatus(branch, (s) => s.runsCompleted > before && s.state === 'idle' && !s.pending);
  }

  /** Every row's key fields in Postgres equal the simulator's, for one branch (but the `except` ids). */
  async function expectExactCopy(branch: string, except: number[] = []) {
    const kept = (rows: { id: number }[]) => rows.filter((row) => !except.includes(row.id));
    for (const kind of ['booking', 'car', 'client'] as const) {
      const { inDatabase, inSimulator } = await databaseAndSimulatorRows(database.db, sim, branch, kind);
      expect(kept(inDatabase), `${branch} ${kind}s`).toEqual(kept(inSimulator));
    }
  }

  it('a first run of four branches leaves Postgres equal to the simulator', async () => {
    for (const branch of BRANCHES) {
      const done = await waitForStatus(branch, (s) => s.runsCompleted >= 1 && s.state === 'idle');
      expect(done.lastRun).toMatchObject({ status: 'succeeded', full: true, errors: [] });
      expect(done.lastRun!.counts.bookings!.fetched).toBe(sim.branch(branch).count('booking'));
      await expectExactCopy(branch);
    }
    const [run] = await database.db.query<{ status: string; counts: Record<string, { fetched: number }> }>(
      "SELECT status, counts FROM sync_runs WHERE branch = 'kutaisi' ORDER BY id LIMIT 1",
    );
    expect(run!.status).toBe('succeeded');
    expect(run!.counts.clients!.fetched).toBe(sim.branch('kutaisi').count('client'));
  });

  it('a second start of the service keeps the running syncs and their state', async () => {
    const before = await handle('tbilisi').describe();
    const runs = (await status('tbilisi')).runsCompleted;
    await ensureBranchSyncs(env.client, config);
    expect((await handle('tbilisi').describe()).runId).toBe(before.runId);
    expect((await status('tbilisi')).runsCompleted).toBe(runs);
  });

  it('shows a change made in RentProg after a syncNow', async () => {
    const booking = sim.branch('batumi').list('booking', 12, 1)[0]!;
    sim.branch('batumi').update('booking', booking.id, { state: 'Отмена', total: 1 });
    const car = sim.branch('batumi').list('car', 1, 1)[0]!;
    sim.branch('batumi').update('car', car.id, { mileage: 999_999 });
    await syncNow('batumi');
    await expectExactCopy('batumi');
  });

  it('turns a syncNow during a run into exactly one more run, and reports progress meanwhile', async () => {
    sim.setFault('all_bookings', { latencyMs: 150 });
    const before = (await status('kutaisi')).runsCompleted;
    await handle('kutaisi').signal(syncNowSignal, { kinds: ['bookings'] });
    const during = await waitForStatus(
      'kutaisi',
      (s) => s.state === 'running' && (s.current?.page ?? 0) >= 2,
    );
    expect(during.current).toMatchObject({ kind: 'bookings' });
    expect(during.progress!.bookings!.fetched).toBeGreaterThanOrEqual(10);
    await handle('kutaisi').signal(syncNowSignal, { kinds: ['bookings'] });
    await handle('kutaisi').signal(syncNowSignal, { kinds: ['cars'] });
    // Settled: nothing pending and the timer for the next scheduled run set, so a wrongly
    // queued third run would have begun already (a run just begun shows no nextRunAt).
    const settled = await waitForStatus(
      'kutaisi',
      (s) => s.runsCompleted >= before + 2 && s.state === 'idle' && !s.pending && s.nextRunAt !== null,
    );
    expect(settled.runsCompleted).toBe(before + 2);
    expect(settled.lastRun!.counts).toHaveProperty('cars');
    expect(settled.lastRun!.counts.bookings!.fetched).toBe(sim.branch('kutaisi').count('booking'));
  });

  it('resumes at the next page after the worker stops mid-run', async () => {
    sim.setFault('all_bookings', { latencyMs: 200 });
    sim.requests.reset();
    const before = (await status('service-center')).runsCompleted;
    await handle('service-center').signal(syncNowSignal, { kinds: ['bookings'] });
    await waitForStatus('service-center', (s) => (s.current?.page ?? 0) >= 3);
    await stopWorkers();
    await startWorkers();
    await waitForStatus('service-center', (s) => s.runsCompleted > before && s.state === 'idle');
    const pages = sim.requests.list({ route: 'all_bookings', branch: 'service-center' }).map((r) => r.page);
    expect(new Set(pages).size).toBe(pages.length);
    await expectExactCopy('service-center');
  });

  it('converges to an exact copy through 5xx, 429s and expiring tokens', async () => {
    const target = sim.branch('tbilisi');
    for (let i = 0; i < 5; i++)
      target.update('booking', target.list('booking', i * 5, 1)[0]!.id, { total: 700 + i });
    sim.setFault('*', {
      errorRate: 0.2,
      rateLimit: { limit: 4, windowMs: 1000, retryAfter: { seconds: 1 } },
    });
    tokenExpiry = setInterval(() => sim.expireTokens(), 2000);
    sim.requests.reset();
    const done = await syncNow('tbilisi', { full: true });
    expect(done.lastRun).toMatchObject({ status: 'succeeded', errors: [] });
    const statuses = sim.requests.list({ branch: 'tbilisi' }).map((r) => r.status);
    expect(statuses).toContain(503);
    expect(statuses).toContain(429);
    await expectExactCopy('tbilisi');
  }, 120_000);

  it('flags a booking deleted in RentProg in a full run, and keeps it flagged', async () => {
    const gone = sim.branch('batumi').list('booking', 2, 1)[0]!.id;
    sim.branch('batumi').delete('booking', gone);
    const done = await syncNow('batumi', { full: true });
    expect(done.lastRun!.counts.bookings!.deleted).toBe(1);
    const deletedAt = async () =>
      (
        await database.db.query<{ deleted_at: Date | null }>(
          "SELECT deleted_at FROM bookings WHERE branch = 'batumi' AND rentprog_id = $1",
          [gone],
        )
      )[0]!.deleted_at;
    expect(await deletedAt()).toBeInstanceOf(Date);
    await syncNow('batumi', { full: true });
    expect(await deletedAt()).toBeInstanceOf(Date);
    await expectExactCopy('batumi');
  });

  it('clears the flag when a booking shows up again', async () => {
    const back = sim.branch('kutaisi').list('booking', 4, 1)[0]!.id;
    await markEntitiesDeleted(
      database.db,
      'booking',
      'kutaisi',
      [back],
      new Date(Date.now() - 60_000).toISOString(),
    );
    await syncNow('kutaisi', { kinds: ['bookings'] });
    const [row] = await database.db.query<{ deleted_at: Date | null }>(
      "SELECT deleted_at FROM bookings WHERE branch = 'kutaisi' AND rentprog_id = $1",
      [back],
    );
    expect(row!.deleted_at).toBeNull();
  });

  it('walks several pages per activity when the budget allows, with the same result', async () => {
    const sliced = env.client.workflow.getHandle(`${branchSyncWorkflowId('batumi')}-sliced`);
    const runs = (n: number) =>
      vi.waitFor(
        async () => {
          const current = await sliced.query(syncStatusQuery);
          if (current.runsCompleted < n || current.state !== 'idle')
            throw new Error(`run ${n} of the sliced sync not done: ${JSON.stringify(current)}`);
          return current.lastRun!;
        },
        { timeout: 60_000, interval: 100 },
      );
    await env.client.workflow.start('branchSync', {
      workflowId: sliced.workflowId,
      taskQueue,
      args: [
        {
          branch: 'batumi',
          intervalMs: 3_600_000,
          pageSize: 20,
          pagesPerActivity: 3,
          pollSinceDays: 3650,
          fullEveryMs: 86_400_000,
        },
      ],
    });
    const first = await runs(1);
    expect(first).toMatchObject({ status: 'succeeded', errors: [] });
    const slices = (await sliced.fetchHistory()).events!.filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'syncPages',
    );
    const pagesOf = (kind: 'cars' | 'clients' | 'bookings') => first.counts[kind]!.pages;
    expect(pagesOf('bookings')).toBe(5);
    expect(slices).toHaveLength(
      Math.ceil(pagesOf('cars') / 3) + Math.ceil(pagesOf('clients') / 3) + Math.ceil(pagesOf('bookings') / 3),
    );
    await expectExactCopy('batumi');

    // A page failing inside a slice must not make a retry walk the pages before it again.
    sim.setFault('all_bookings@batumi', { errorRate: 0.3 });
    sim.requests.reset();
    await sliced.signal(syncNowSignal, { kinds: ['bookings'] });
    const second = await runs(2);
    await sliced.terminate('test done');
    expect(second).toMatchObject({ status: 'succeeded', errors: [] });
    const served = sim.requests
      .list({ route: 'all_bookings', branch: 'batumi' })
      .filter((r) => r.status === 200)
      .map((r) => r.page);
    expect(served).toHaveLength(5);
    expect(new Set(served).size).toBe(5);
    expect(sim.requests.list({ route: 'all_bookings', branch: 'batumi' }).length).toBeGreaterThan(5);
  }, 90_000);

  it('continues as new with its state when Temporal suggests it', async () => {
    // The test server suggests continue-as-new at 100 events; these runs pass it.
    const first = await handle('service-center').describe();
    const before = await status('service-center');
    await syncNow('service-center', { full: true });
    await syncNow('service-center', { full: true });
    const now = await handle('service-center').describe();
    expect(now.runId).not.toBe(first.runId);
    const after = await status('service-center');
    expect(after.runsCompleted).toBe(before.runsCompleted + 2);
    expect(after.lastRun).toMatchObject({ status: 'succeeded', runNumber: before.runsCompleted + 2 });
    expect((await handle('service-center').fetchHistory()).events!.length).toBeLessThan(400);
    await expectExactCopy('service-center');
  });
  it('finishes a run whose pages hold poison: odd values stored, refused records in sync_rejects', async () => {
    const branch = 'tbilisi';
    const data = sim.branch(branch);
    // Page 2 of bookings: one record a rule of this database refuses (any value column-values.ts
    // cannot foresee), one with the simulator's poison, eight ordinary ones.
    const page = data.list('booking', 10, 10);
    const refused = page[3]!;
    const oddBooking = page[6]!;
    const oddCar = data.list('car', 1, 1)[0]!;
    const oddClient = data.list('client', 2, 1)[0]!;
    const originals = [
      ['booking', refused],
      ['booking', oddBooking],
      ['car', oddCar],
      ['client', oddClient],
    ] as const;
    await database.db.exec(
      `ALTER TABLE bookings ADD CONSTRAINT days_fit CHECK ((data->>'days')::smallint >= 0)`,
    );
    try {
      data.update('booking', refused.id, { days: 70_000 });
      sim.poison('booking', branch, oddBooking.id);
      sim.poison('car', branch, oddCar.id);
      sim.poison('client', branch, oddClient.id);

      const done = await syncNow(branch, { full: true });
      expect(done.lastRun).toMatchObject({ status: 'succeeded', errors: [], rejects: 1 });
      expect(done.lastRun!.counts.bookings).toMatchObject({
        fetched: data.count('booking'),
        rejected: 1,
        deleted: 0,
      });
      expect(done.lastRun!.counts.cars!.rejected).toBe(0);

      const [run] = await database.db.query<{ id: number; status: string; rejects: number }>(
        'SELECT id, status, rejects FROM sync_runs WHERE branch = $1 ORDER BY id DESC LIMIT 1',
        [branch],
      );
      expect(run).toMatchObject({ status: 'succeeded', rejects: 1 });
      const rejects = await database.db.query<{
        rentprog_id: number;
        kind: string;
        reason: string;
        record: unknown;
      }>('SELECT rentprog_id, kind, reason, record FROM sync_rejects WHERE sync_run_id = $1', [run!.id]);
      expect(rejects).toEqual([
        {
          rentprog_id: refused.id,
          kind: 'booking',
          reason:
            'Postgres refused a bookings row of tbilisi: SQLSTATE 22003 value "70000" is out of range for type smallint',
          record: data.get('booking', refused.id),
        },
      ]);

      // Every other row equals the simulator; the refused one keeps its last stored version.
      await expectExactCopy(branch, [refused.id, oddBooking.id, oddCar.id, oddClient.id]);
      const [kept] = await database.db.query<{ deleted_at: Date | null; days: number }>(
        "SELECT deleted_at, (data->>'days')::int AS days FROM bookings WHERE branch = $1 AND rentprog_id = $2",
        [branch, refused.id],
      );
      expect(kept).toEqual({ deleted_at: null, days: refused.days });

      // The poisoned ones are stored: NULL where a column cannot hold the value, all of it in data.
      const stored = async (table: string, id: number) =>
        unstorable(
          (
            await database.db.query<Record<string, unknown>>(
              `SELECT * FROM ${table} WHERE branch = $1 AND rentprog_id = $2`,
              [branch, id],
            )
          )[0]!,
        );
      expect(await stored('cars', oddCar.id)).toMatchObject({
        mileage: null,
        company_id: null,
        state: null,
        car_name: 'Toyota\u0000Prius',
        data: data.get('car', oddCar.id),
      });
      expect(await stored('clients', oddClient.id)).toMatchObject({
        company_id: null,
        name: 'Ни\u0000но',
        lastname: 'Бе\ud800ридзе',
        data: data.get('client', oddClient.id),
      });
      expect(await stored('bookings', oddBooking.id)).toMatchObject({
        number: null,
        car_id: null,
        total: null,
        state: 'Акт\u0000ивная',
        data: data.get('booking', oddBooking.id),
      });
    } finally {
      await database.db.exec('ALTER TABLE bookings DROP CONSTRAINT days_fit');
      for (const [kind, original] of originals) data.update(kind, original.id, original);
    }
    await syncNow(branch);
    await expectExactCopy(branch);
  });
});
