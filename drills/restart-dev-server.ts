import type { Drill } from './harness/drill.js';
import { checkEventsProcessedOnce } from './harness/event-checks.js';
import { startServiceStack } from './harness/service-stack.js';
import { seconds, sleep, waitUntil } from './harness/wait.js';
import { WebhookStream } from './harness/webhook-stream.js';
import { firstRunDone, waitForSync } from './harness/workflows.js';

const OUTAGE_MS = 10_000;

export const restartDevServerDrill: Drill = {
  title: 'stop and restart the Temporal dev server under a steady webhook stream',
  summary:
    'The dev server keeps its state in a SQLite file (`--db-filename`). While signed webhooks stream into ' +
    'the real ingress (10/s; spool in Postgres `webhook_inbox`) and the worker processes them, the server ' +
    `gets SIGTERM, stays down ${OUTAGE_MS / 1000} s, and starts again on the same port and file. Must hold: ` +
    'every webhook was answered 2xx (200, or 202 spooled while Temporal was away), every 2xx became exactly ' +
    'one workflow run that completed, and the spool drained.',

  async run(context, report, teardown) {
    const stack = await startServiceStack(context, teardown, {
      name: 'restart-dev-server',
      seed: 202,
      branches: [
        { name: 'tbilisi', bookings: 200 },
        { name: 'batumi', bookings: 100 },
      ],
    });
    const { client, db } = stack;
    await stack.startIngress();
    const worker = await stack.startWorker();
    for (const branch of stack.branches) {
      await waitForSync(client, branch, firstRunDone, 'the first run finished', 120_000);
    }
    const stream = new WebhookStream({
      sim: stack.sim,
      ingressUrl: stack.ingressUrl,
      webhookSecrets: context.secrets.webhookSecrets,
      branches: stack.branches,
      perSecond: 10,
    });
    stream.start();
    await sleep(5000);
    const outage = await stack.restartTemporal(OUTAGE_MS);
    context.log(`dev server back after ${seconds(outage.answeringAt - outage.stopping)} s`);
    await sleep(10_000);
    await stream.stop();
    const spoolDepth = async () =>
      (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_inbox'))[0]!.n;
    await waitUntil(async () => (await spoolDepth()) === 0, 'the spool drained', 120_000);
    const drainedAt = Date.now();
    await stack.waitForEvents(180_000);

    const summary = stream.summary();
    report.figure('webhooks sent', summary.sent);
    report.figure(
      'answered 2xx (200 + 202 spooled)',
      `${summary.accepted} (${summary.ok200} + ${summary.spooled202})`,
    );
    report.figure('answered otherwise', summary.other);
    report.figure('outage: SIGTERM → dev server gone', `${seconds(outage.stoppedAt - outage.stopping)} s`);
    report.figure('outage: SIGTERM → answering again', `${seconds(outage.answeringAt - outage.stopping)} s`);
    report.figure(
      'answering again → spool drained',
      `${seconds(Math.max(0, drainedAt - outage.answeringAt))} s`,
    );
    report.figure('webhook answer time p50 / max', `${summary.p50Ms} ms / ${summary.maxMs} ms`);

    report.check(
      'every webhook was answered 2xx',
      summary.accepted === summary.sent,
      summary.other === 'none' ? undefined : summary.other,
    );
    report.check('webhooks arrived during the outage and were spooled', summary.spooled202 > 0);
    await checkEventsProcessedOnce(report, client, db, stream, stack.telegram.sent.length);
    report.check('the spool is empty', (await spoolDepth()) === 0);
    report.check(
      'the worker rode out the outage',
      worker.running,
      worker.running ? undefined : worker.exitDescription,
    );
  },
};
