import type { SyncStatus } from '../src/workflows/branch-sync-types.js';
import type { Drill, DrillContext, DrillReport } from './support/drill.js';
import { checkEventsProcessedOnce } from './support/event-checks.js';
import { compareWithSimulator } from '../harness/database-vs-simulator.js';
import { startServiceStack } from './support/service-stack.js';
import { seconds, sleep, waitFor } from '../harness/wait.js';
import { WebhookStream } from './support/webhook-stream.js';
import { firstRunDone, syncStatus, waitForSync } from '../harness/sync-status.js';
import { activityAttempts, listRuns } from './support/workflows.js';

export const killWorkerDrill: Drill = {
  title: 'kill -9 the worker mid-event and mid-sync',
  summary:
    'The real ingress and worker processes, a steady stream of signed webhooks (8/s) and the first full ' +
    'sync of two branches (tbilisi 1,500 bookings, batumi 600; RentProg answers lists in 40 ms and single ' +
    'records in 300 ms). The worker gets SIGKILL once the sync walks tbilisi’s bookings and at least three ' +
    'accepted events are unfinished; a new worker starts 5 s later. Must hold: every accepted webhook ' +
    'became one completed event workflow and one processed outcome row, each sync run finished as the same ' +
    'run (not restarted), and Postgres equals the simulator.',

  async run(context, report, teardown) {
    await killWorker(context, report, await startServiceStack(context, teardown, KILL_WORKER_STACK));
  },
};

/** The drill's branches and seed, for another engine's stack to run it on the same data. */
export const KILL_WORKER_STACK = {
  name: 'kill-worker',
  seed: 101,
  branches: [
    { name: 'tbilisi', bookings: 1500 },
    { name: 'batumi', bookings: 600 },
  ],
};

/** What the drill uses of a stack: the dev server's (service-stack.ts), or drills/cluster.ts's. */
export type KillWorkerStack = Pick<
  Awaited<ReturnType<typeof startServiceStack>>,
  | 'client'
  | 'db'
  | 'sim'
  | 'branches'
  | 'telegram'
  | 'ingressUrl'
  | 'startIngress'
  | 'startWorker'
  | 'waitForEvents'
>;

/** The drill on a running stack: one worker, killed mid-event and mid-sync, and a new one. */
export async function killWorker(context: DrillContext, report: DrillReport, stack: KillWorkerStack) {
  const { client, db, sim } = stack;
  sim.setFault('*', { latencyMs: 40 });
  for (const route of ['bookings/:id', 'car_data_with_bookings', 'client/:id']) {
    sim.setFault(route, { latencyMs: 300 });
  }
  await stack.startIngress();
  const stream = new WebhookStream({
    sim,
    ingressUrl: stack.ingressUrl,
    webhookSecrets: context.secrets.webhookSecrets,
    branches: stack.branches,
    perSecond: 8,
  });
  const first = await stack.startWorker();
  stream.start();
  const unfinishedEvents = async () =>
    stream.accepted.length -
    (
      await db.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM webhook_events WHERE status = 'processed'",
      )
    )[0]!.n;
  let atKill: SyncStatus | undefined;
  let inFlight = 0;
  await waitFor(
    async () => {
      atKill = await syncStatus(client, 'tbilisi');
      inFlight = await unfinishedEvents();
      return atKill?.current?.kind === 'bookings' && atKill.current.page >= 40 && inFlight >= 3;
    },
    {
      what: 'tbilisi’s first run at bookings page 40 with three events unfinished',
      timeoutMs: 120_000,
      intervalMs: 100,
    },
  );
  await first.stop('SIGKILL');
  const killedAt = Date.now();
  context.log(
    `worker killed at tbilisi bookings page ${atKill?.current?.page}, ${inFlight} events unfinished`,
  );

  await sleep(5000);
  await stack.startWorker();
  const restartedAt = Date.now();
  // The slice the kill interrupted is done once the walk is past its page (or the run is over).
  const killedPage = atKill?.current?.page ?? 0;
  const resumed = waitForSync(
    client,
    'tbilisi',
    (s) => s.current === null || s.current.kind !== 'bookings' || s.current.page > killedPage,
    'the interrupted slice done',
    300_000,
  ).then(() => Date.now());
  await sleep(5000);
  await stream.stop();

  const eventsDone = stack.waitForEvents(300_000).then(() => Date.now());
  const finished = await Promise.all(
    stack.branches.map((branch) =>
      waitForSync(client, branch, firstRunDone, 'the first run finished', 300_000),
    ),
  );
  const syncDoneAt = Date.now();
  const eventsDoneAt = await eventsDone;
  const resumedAt = await resumed;

  const summary = stream.summary();
  report.figure('webhooks sent / answered 2xx', `${summary.sent} / ${summary.accepted}`);
  report.figure('sync position at the kill', `tbilisi bookings page ${atKill?.current?.page}`);
  report.figure('accepted events unfinished at the kill', inFlight);
  report.figure('worker down (kill → new worker polling)', `${seconds(restartedAt - killedAt)} s`);
  report.figure('new worker polling → every event processed', `${seconds(eventsDoneAt - restartedAt)} s`);
  report.figure(
    'new worker polling → interrupted slice done (kill → done)',
    `${seconds(resumedAt - restartedAt)} s (${seconds(resumedAt - killedAt)} s)`,
  );
  report.figure('new worker polling → both syncs finished', `${seconds(syncDoneAt - restartedAt)} s`);
  const bookingPages = sim.requests
    .list({ route: 'all_bookings', branch: 'tbilisi' })
    .filter((r) => r.status === 200)
    .map((r) => r.page);
  report.figure(
    'tbilisi booking pages fetched more than once',
    bookingPages.length - new Set(bookingPages).size,
  );

  const retried = await activityAttempts(
    client,
    await listRuns(client, 'WorkflowType = "branchSync" OR WorkflowType = "rentprogEvent"'),
  );
  report.figure('activities: count×attempts (histories; a lost attempt ends at its timeout)', retried.text);

  report.check('the kill hit a running sync', atKill?.state === 'running');
  report.check(
    'the interrupted slice was done within 20 s of the new worker',
    resumedAt - restartedAt <= 20_000,
    `${seconds(resumedAt - restartedAt)} s`,
  );
  report.check('the kill hit events in flight', inFlight > 0, `${inFlight} accepted, not yet processed`);
  report.check(
    'every webhook was answered 2xx (Temporal stayed up)',
    summary.accepted === summary.sent,
    summary.other === 'none' ? undefined : summary.other,
  );
  await checkEventsProcessedOnce(report, client, db, stream.accepted, stack.telegram.sent.length);
  for (const status of finished) {
    const run = status.lastRun!;
    report.figure(
      `${status.branch} run ${run.runNumber}`,
      `${run.status}, ${Object.entries(run.counts)
        .map(([kind, c]) => `${c.fetched} ${kind}`)
        .join(', ')}`,
    );
    report.check(
      `${status.branch}: the interrupted run finished as run 1 and succeeded`,
      run.runNumber === 1 && run.status === 'succeeded' && status.runsCompleted === 1,
      run.errors.join('; '),
    );
  }
  for (const branch of stack.branches) {
    const comparison = await compareWithSimulator(db, sim, branch);
    report.check(`${branch}: Postgres equals the simulator`, comparison.equal, comparison.text);
  }
}
