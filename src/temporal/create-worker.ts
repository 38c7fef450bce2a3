import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { Config } from '../config/config.js';
import { rentprogTaskQueue } from '../workflows/task-queues.js';
import { dataConverterFor } from './data-converter.js';
import { WORKFLOWS_PATH } from './workflows-path.js';

export interface WorkerParams {
  connection: NativeConnection;
  temporal: Config['temporal'];
  /** Branches that get their own rate-limited RentProg task queue. */
  branches: string[];
  maxRequestsPerMinute: number;
  activities: Activities;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

// In-flight activities get 20 s to finish on shutdown before they are cancelled.
const GRACEFUL = { shutdownGraceTime: '20s', shutdownForceTime: '25s' } as const;

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
    ...(params.workflowBundle
      ? { workflowBundle: params.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
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
        ...GRACEFUL,
      }),
    ),
  );
  return [main, ...perBranch];
}
