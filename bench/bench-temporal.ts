/**
 * The Temporal server a benchmark point runs on: a fresh dev server, or the one at
 * BENCH_TEMPORAL_ADDRESS (namespace `default`), shared by every point and perhaps by
 * others. On a shared server a point leaves nothing running: its workflows (all on the
 * point's own task queue) are terminated and its Schedules deleted.
 */
import { Client, Connection } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';

export interface BenchTemporal {
  address: string;
  shared: boolean;
  client: Client;
  /** Terminates the point's workflows and deletes its Schedules (shared server only), then lets go. */
  close(taskQueue: string, scheduleIds: string[]): Promise<void>;
}

const NAMESPACE = 'default';

export async function benchTemporal(): Promise<BenchTemporal> {
  const sharedAddress = process.env.BENCH_TEMPORAL_ADDRESS;
  const server = sharedAddress ? undefined : await startTemporalDevServer();
  const address = sharedAddress ?? server!.address;
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace: NAMESPACE });
  return {
    address,
    shared: server === undefined,
    client,
    async close(taskQueue, scheduleIds) {
      try {
        if (!server) await cleanUp(client, taskQueue, scheduleIds);
      } finally {
        await connection.close();
        await server?.stop();
      }
    },
  };
}

async function cleanUp(client: Client, taskQueue: string, scheduleIds: string[]): Promise<void> {
  for (const id of scheduleIds)
    await client.schedule
      .getHandle(id)
      .delete()
      .catch(() => undefined);
  await client.workflowService.startBatchOperation({
    namespace: NAMESPACE,
    jobId: randomUUID(),
    visibilityQuery: `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`,
    reason: 'bench/branches.ts: the point is over',
    terminationOperation: {},
  });
}
