import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { Config } from '../config/config.js';
import { rentprogTaskQueue } from '../workflows/task-queues.js';
import { bundleInChildProcess } from './bundle-in-child.js';
import { dataConverterFor } from './data-converter.js';
import { prebuiltWorkflowBundle } from './workflows-path.js';

export interface WorkerParams {
  connection: NativeConnection;
  temporal: Config['temporal'];
  /** Branches that get their own rate-limited RentProg task queue. */
  branches: string[];
  maxRequestsPerMinute: number;
  activities: Activities;
  /** A bundle built beforehand (tests); otherwise the one `npm run build` wrote, or the sources bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

// In-flight activities get 20 s to finish on shutdown before they are cancelled.
const GRACEFUL = { shutdownGraceTime: '20s', shutdownForceTime: '25s' } as const;

// A branch's queue hands out at most RENTPROG_MAX_RPM/60 tasks a second, which one long
// poll keeps up with many times over. The SDK's default of 10 polls per queue made 100
// branches 1,010 polls per process, and the frontend takes 1,200 per namespace and API
// (frontend.namespaceCount). SDK 1.24 ignores maxConcurrentActivityTaskPolls.
const BRANCH_QUEUE_POLLER = { type: 'simple-maximum', maximum: 1 } as const;

/**
 * The workers of one process: the main one for TEMPORAL_TASK_QUEUE (workflows and
 * activities), and one per branch whose RentProg activities the Temporal server spaces
 * to RENTPROG_MAX_RPM across all processes.
 */
export async function createWorkers(params: WorkerParams): Promise<Worker[]> {
  const main = await Worker.create({
    connection: params.connection,
    namespace: params.temporal.namespace,
    taskQueue: params.temporal.taskQueue,
    dataConverter: dataConverterFor(params.temporal),
    activities: params.activities,
    workflowBundle: params.workflowBundle ?? prebuiltWorkflowBundle() ?? (await bundleInChildProcess()),
    maxCachedWorkflows: params.temporal.workflowCache,
    ...GRACEFUL,
  });
  const perBranch = await Promise.all(
    params.branches.map((branch) =>
      Worker.create({
        connection: params.connection,
        namespace: params.temporal.namespace,
        taskQueue: rentprogTaskQueue(params.temporal.taskQueue, branch),
        dataConverter: dataConverterFor(params.temporal),
        activities: params.activities,
        maxTaskQueueActivitiesPerSecond: params.maxRequestsPerMinute / 60,
        activityTaskPollerBehavior: BRANCH_QUEUE_POLLER,
        ...GRACEFUL,
      }),
    ),
  );
  return [main, ...perBranch];
}

/**
 * Shuts down the workers still running. On SIGINT/SIGTERM Temporal's Runtime has begun
 * shutting them down already, and a second `shutdown()` would throw.
 */
export function stopWorkers(workers: Worker[]): void {
  for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
}
