import type { Drill } from './support/drill.js';
import { compareWithSimulator } from '../harness/database-vs-simulator.js';
import { startServiceStack } from './support/service-stack.js';
import { seconds } from '../harness/wait.js';
import { firstRunDone, waitForSync } from '../harness/sync-status.js';
import { activityAttempts, listRuns } from './support/workflows.js';

const DOWN_MS = 5000;

export const restartPostgresDrill: Drill = {
  title: 'restart Postgres during a sync',
  summary:
    'The worker process runs the first full sync of two branches (tbilisi 2,000 bookings, batumi 400; ' +
    '30 ms API latency) against a private Postgres cluster. Mid-walk, Postgres is stopped with ' +
    '`pg_ctl -m immediate` (every connection cut, crash recovery on start), kept down ' +
    `${DOWN_MS / 1000} s, and started again. Must hold: the worker survives, each run finishes as the same ` +
    'run and succeeds after retries, `sync_runs` has one succeeded row per branch, and Postgres equals the ' +
    'simulator (no partial or missing rows).',

  async run(context, report, teardown) {
    const stack = await startServiceStack(context, teardown, {
      name: 'restart-postgres',
      seed: 303,
      branches: [
        { name: 'tbilisi', bookings: 2000 },
        { name: 'batumi', bookings: 400 },
      ],
    });
    const { client, db, sim } = stack;
    sim.setFault('*', { latencyMs: 30 });
    const worker = await stack.startWorker();
    const atRestart = await waitForSync(
      client,
      'tbilisi',
      (s) => s.current?.kind === 'bookings' && s.current.page >= 40,
      'the first run at bookings page 40',
      120_000,
    );
    const stopping = Date.now();
    await stack.postgres.restart(DOWN_MS);
    const back = Date.now();
    context.log(`Postgres restarted at tbilisi bookings page ${atRestart.current?.page}`);
    const finished = [];
    for (const branch of stack.branches) {
      finished.push(await waitForSync(client, branch, firstRunDone, 'the first run finished', 300_000));
    }
    const doneAt = Date.now();

    const attempts = await activityAttempts(client, await listRuns(client, 'WorkflowType = "branchSync"'));
    report.figure('sync position at the restart', `tbilisi bookings page ${atRestart.current?.page}`);
    report.figure('Postgres down (stop → accepting again)', `${seconds(back - stopping)} s`);
    report.figure('Postgres back → both runs finished', `${seconds(doneAt - back)} s`);
    report.figure(
      'sync activities / retries / failed for good',
      `${attempts.activities} / ${attempts.retries} / ${attempts.failedForGood}`,
    );

    report.check(
      'the worker survived the restart',
      worker.running,
      worker.running ? undefined : worker.exitDescription,
    );
    report.check('the restart hit the sync (activities were retried)', attempts.retries > 0);
    const rows = await db.query<{
      branch: string;
      status: string;
      counts: Record<string, { fetched: number }>;
    }>('SELECT branch, status, counts FROM sync_runs ORDER BY id');
    for (const status of finished) {
      const run = status.lastRun!;
      report.check(
        `${status.branch}: the run finished as run 1 and succeeded`,
        run.runNumber === 1 && run.status === 'succeeded' && status.runsCompleted === 1,
        run.errors.join('; '),
      );
      const recorded = rows.filter((row) => row.branch === status.branch);
      report.check(
        `${status.branch}: one succeeded sync_runs row with every booking counted`,
        recorded.length === 1 &&
          recorded[0]!.status === 'succeeded' &&
          recorded[0]!.counts.bookings?.fetched === sim.branch(status.branch).count('booking'),
        JSON.stringify(
          recorded.map((row) => ({ status: row.status, bookings: row.counts.bookings?.fetched })),
        ),
      );
      const comparison = await compareWithSimulator(db, sim, status.branch);
      report.check(`${status.branch}: Postgres equals the simulator`, comparison.equal, comparison.text);
    }
  },
};
