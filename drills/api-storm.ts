import type { Client } from '@temporalio/client';
import { branchSyncWorkflowId, type SyncStatus, syncNowSignal } from '../src/workflows/branch-sync-types.js';
import type { Drill } from './support/drill.js';
import { checkEventsProcessedOnce } from './support/event-checks.js';
import { compareWithSimulator } from '../harness/database-vs-simulator.js';
import { startServiceStack } from './support/service-stack.js';
import { seconds, sleep } from '../harness/wait.js';
import { WebhookStream } from './support/webhook-stream.js';
import { firstRunDone, waitForSync } from '../harness/sync-status.js';
import { activityAttempts, listRuns } from './support/workflows.js';

const STORM = { errorRate: 0.3, errorStatus: 503, throttled: { share: 0.1, retryAfterSeconds: 1 } };
const TOKEN_LIFETIME_MS = 10_000;
const STORM_MAX_MS = 90_000;

export const apiStormDrill: Drill = {
  title: 'API storm: 30 % 5xx, 10 % 429, tokens revoked every 10 s',
  summary:
    'From the worker’s start until the first full sync of two branches (tbilisi 250 bookings, batumi 120) ' +
    'has finished (at most 90 s), every RentProg route answers 30 % of requests 503 and 10 % 429 with `Retry-After: 1`, ' +
    'and every issued request token is revoked every 10 s; meanwhile signed webhooks stream in (4/s for ' +
    '20 s). Then the storm ends; a branch whose run failed under it gets a `syncNow` (what its next ' +
    'interval would do). Must hold: the service converges: every accepted event processed once, each ' +
    'branch ends with a succeeded run, Postgres equals the simulator. Retries are counted in the ' +
    'simulator’s request log and in the workflow histories.',

  async run(context, report, teardown) {
    const stack = await startServiceStack(context, teardown, {
      name: 'api-storm',
      seed: 404,
      branches: [
        { name: 'tbilisi', bookings: 250 },
        { name: 'batumi', bookings: 120 },
      ],
    });
    const { client, db, sim } = stack;
    await stack.startIngress();
    sim.setFault('*', STORM);
    const expiry = setInterval(() => sim.expireTokens(), TOKEN_LIFETIME_MS);
    teardown.add('token expiry', () => Promise.resolve(clearInterval(expiry)));
    const stream = new WebhookStream({
      sim,
      ingressUrl: stack.ingressUrl,
      webhookSecrets: context.secrets.webhookSecrets,
      branches: stack.branches,
      perSecond: 4,
    });
    await stack.startWorker();
    const started = Date.now();
    stream.start();
    await sleep(20_000);
    await stream.stop();
    // The storm lasts until both first runs are over, or STORM_MAX_MS. A slice that fails
    // eight times running waits minutes before its next attempt (backoff ×2 up to 5 min):
    // right for RentProg, longer than a drill, so the run may finish after the storm.
    await Promise.all(
      stack.branches.map((branch) =>
        waitForSync(client, branch, firstRunDone, 'the first run finished', STORM_MAX_MS).catch(
          () => undefined,
        ),
      ),
    );
    sim.faults.clear();
    clearInterval(expiry);
    const stormEnded = Date.now();
    const underStorm: SyncStatus[] = [];
    for (const branch of stack.branches) {
      underStorm.push(await waitForSync(client, branch, firstRunDone, 'the first run finished', 330_000));
    }
    const requests = sim.requests.list();

    const final: SyncStatus[] = [];
    for (const status of underStorm) final.push(await syncUntilSucceeded(client, status));
    await stack.waitForEvents(360_000);
    const convergedAt = Date.now();

    const byStatus: Record<string, number> = {};
    for (const { status } of requests) byStatus[status] = (byStatus[status] ?? 0) + 1;
    const share = (status: number) => (byStatus[status] ?? 0) / requests.length;
    const syncAttempts = await activityAttempts(
      client,
      await listRuns(client, 'WorkflowType = "branchSync"'),
    );
    const eventAttempts = await activityAttempts(
      client,
      await listRuns(client, 'WorkflowType = "rentprogEvent"'),
    );
    const summary = stream.summary();
    report.figure('webhooks sent / answered 2xx', `${summary.sent} / ${summary.accepted}`);
    report.figure('RentProg requests during the storm', requests.length);
    report.figure(
      'answered 200 / 503 / 429 / 401',
      [200, 503, 429, 401].map((s) => byStatus[s] ?? 0).join(' / '),
    );
    report.figure(
      'token exchanges (get_token) during the storm',
      requests.filter((r) => r.route === 'get_token').length,
    );
    report.figure('sync activities: count×attempts (histories)', syncAttempts.text);
    report.figure('event activities: count×attempts (histories)', eventAttempts.text);
    for (const status of underStorm) {
      const run = status.lastRun!;
      const took = seconds(Date.parse(run.finishedAt) - Date.parse(run.startedAt));
      report.figure(
        `${status.branch}: first run, begun under the storm`,
        `${run.status} after ${took} s${run.errors.length ? ` (${run.errors.join('; ')})` : ''}`,
      );
    }
    report.figure(
      'worker start → storm over (both first runs finished, or 90 s)',
      `${seconds(stormEnded - started)} s`,
    );
    report.figure('storm over → converged', `${seconds(convergedAt - stormEnded)} s`);

    report.check(
      'the storm was on (about 30 % 503 and 10 % 429)',
      share(503) > 0.2 && share(503) < 0.4 && share(429) > 0.05 && share(429) < 0.15,
      `${Math.round(share(503) * 100)} % 503, ${Math.round(share(429) * 100)} % 429`,
    );
    report.check('tokens were revoked and refreshed', (byStatus[401] ?? 0) > 0);
    report.check(
      'every webhook was answered 2xx',
      summary.accepted === summary.sent,
      summary.other === 'none' ? undefined : summary.other,
    );
    await checkEventsProcessedOnce(report, client, db, stream.accepted, stack.telegram.sent.length);
    for (const status of final) {
      report.check(
        `${status.branch}: the last run succeeded`,
        status.lastRun?.status === 'succeeded',
        status.lastRun?.errors.join('; '),
      );
      const comparison = await compareWithSimulator(db, sim, status.branch);
      report.check(`${status.branch}: Postgres equals the simulator`, comparison.equal, comparison.text);
    }
  },
};

/** After a failed run, one more full run, as the branch's next interval would start. */
async function syncUntilSucceeded(client: Client, status: SyncStatus): Promise<SyncStatus> {
  if (status.lastRun?.status === 'succeeded') return status;
  await client.workflow.getHandle(branchSyncWorkflowId(status.branch)).signal(syncNowSignal, { full: true });
  return waitForSync(
    client,
    status.branch,
    (s) => s.runsCompleted > status.runsCompleted && s.state === 'idle',
    'the run after the storm finished',
    180_000,
  );
}
