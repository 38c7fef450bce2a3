import { type NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { Activities } from '../activities/index.js';
import type { Config } from '../config/config.js';
import { WORKFLOWS_PATH } from './workflows-path.js';

export interface WorkerParams {
  connection: NativeConnection;
  temporal: Config['temporal'];
  activities: Activities;
  /** A prebuilt bundle (tests, production); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

/** The worker for TEMPORAL_TASK_QUEUE. Graceful: in-flight activities get 20 s to finish on shutdown. */
export function createWorker(params: WorkerParams): Promise<Worker> {
  return Worker.create({
    connection: params.connection,
    namespace: params.temporal.namespace,
    taskQueue: params.temporal.taskQueue,
    activities: params.activities,
    ...(params.workflowBundle
      ? { workflowBundle: params.workflowBundle }
      : { workflowsPath: WORKFLOWS_PATH }),
    shutdownGraceTime: '20s',
    shutdownForceTime: '25s',
  });
}
