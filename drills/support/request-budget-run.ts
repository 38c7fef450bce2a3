import type { Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { seconds, sleep } from '../../harness/wait.js';
import { rentprogTaskQueue } from '../../src/workflows/task-queues.js';
import type { DrillContext, DrillReport } from './drill.js';
import type { ProductionEngine } from './production-engine.js';
import { busiestWindows } from './request-budget.js';
import { startSplitStack } from './split-stack.js';
import type { Teardown } from './teardown.js';
import { WebhookStream } from './webhook-stream.js';

const MAX_RPM = 60;
const TASK_QUEUE = 'rentprog-budget';
/** Long enough for two whole windows after the first minute's burst of syncs starting. */
const LOAD_MS = 180_000;
/** Each branch's webhooks alone ask for the whole budget; the syncs come on top. */
const WEBHOOKS_PER_SECOND = 4;

/**
 * Two worker processes (plus ingress and bot) on the production engine, RENTPROG_MAX_RPM
 * 60 (low, so a busy 2-core machine still asks for more than the budget), each branch's first sync and a webhook stream that together ask for more than
 * the budget, for LOAD_MS; then every branch's busiest 60 s in the simulator's request
 * log, all routes (token exchanges and health probes count against RentProg's budget too).
 */
export async function measureRequestBudget(
  context: DrillContext,
  report: DrillReport,
  teardown: Teardown,
  engine: ProductionEngine,
): Promise<void> {
  const stack = await startSplitStack(context, teardown, {
    name: 'cluster-budget',
    seed: 202,
    branches: [
      { name: 'tbilisi', bookings: 1500 },
      { name: 'batumi', bookings: 1500 },
    ],
    maxRequestsPerMinute: MAX_RPM,
    temporalAddress: engine.address,
    databaseUrl: await engine.createDatabase('rentprog_budget'),
    taskQueue: TASK_QUEUE,
  });
  const { sim, client } = stack;
  // The drill's branches again: what an earlier part left running (their endless syncs
  // among them) goes, so this part's workers start the syncs afresh on their own queue.
  for await (const run of client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
    await client.workflow.getHandle(run.workflowId, run.runId).terminate('the request budget part begins');
  }
  sim.setFault('*', { latencyMs: 40 });
  await stack.startIngress();
  await stack.startBot();
  const stream = new WebhookStream({
    sim,
    ingressUrl: stack.ingressUrl,
    webhookSecrets: context.secrets.webhookSecrets,
    branches: stack.branches,
    perSecond: WEBHOOKS_PER_SECOND,
  });
  // Both workers before any load, so both take their share from the first request.
  await Promise.all([stack.startWorker(), stack.startWorker()]);
  stream.start();
  const started = Date.now();
  await sleep(LOAD_MS);
  const limits = await Promise.all(stack.branches.map((branch) => effectiveRateLimit(client, branch)));
  await stream.stop();
  const requests = sim.requests.list().filter((r) => r.at >= started && r.at < started + LOAD_MS);

  report.figure(
    'load',
    `${seconds(LOAD_MS)} s, 2 workers, RENTPROG_MAX_RPM ${MAX_RPM}, ${WEBHOOKS_PER_SECOND} webhooks/s over ${stack.branches.length} branches + first syncs`,
  );
  report.figure(
    'per-branch activity queue: the rate limit the server applies (DescribeTaskQueue, all partitions)',
    stack.branches.map((branch, i) => `${branch} ${limits[i]}`).join(', '),
  );
  report.figure('webhooks sent / answered 2xx', `${stream.summary().sent} / ${stream.summary().accepted}`);
  for (const window of busiestWindows(requests)) {
    const routes = countBy(
      requests.filter((r) => r.branch === window.branch),
      (r) => r.route,
    );
    report.figure(
      `${window.branch}: busiest 60 s / budget (average a minute; requests by route)`,
      `${window.requests} / ${MAX_RPM} (${Math.round((window.total / LOAD_MS) * 60_000)}; ${routes})`,
    );
    report.check(
      `${window.branch}: at most RENTPROG_MAX_RPM requests in any 60 s`,
      window.requests <= MAX_RPM,
      `${window.requests} in the 60 s from ${new Date(window.from).toISOString()}`,
    );
  }
  // The webhooks alone must ask each branch for more than its budget, or staying within it
  // proves nothing; how close the busiest minute came is the figure above.
  const asked = Math.min(
    ...stack.branches.map(
      (branch) =>
        stream.accepted.filter((a) => a.workflowId.includes(`:${branch}:`)).length / (LOAD_MS / 60_000),
    ),
  );
  report.check(
    'the webhooks alone asked every branch for more than its budget',
    asked > MAX_RPM,
    `${Math.round(asked)} a minute for ${MAX_RPM}`,
  );
}

function countBy<T>(items: T[], key: (item: T) => string): string {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts.entries()]
    .sort(([, a], [, b]) => b - a)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
}

async function effectiveRateLimit(client: Client, branch: string): Promise<string> {
  const answer = await client.workflowService.describeTaskQueue({
    namespace: 'default',
    taskQueue: { name: rentprogTaskQueue(TASK_QUEUE, branch) },
    taskQueueType: proto.temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportConfig: true,
  });
  const limit = answer.effectiveRateLimit;
  const source = proto.temporal.api.enums.v1.RateLimitSource[limit?.rateLimitSource ?? 0] ?? 'unknown';
  return `${Number((limit?.requestsPerSecond ?? 0) * 60).toFixed(1)}/min (${source.replace('RATE_LIMIT_SOURCE_', '').toLowerCase()})`;
}
