import type { Client } from '@temporalio/client';
import {
  branchSyncWorkflowId,
  type SyncStatus,
  syncStatusQuery,
} from '../src/workflows/branch-sync-types.js';
import { waitFor } from './wait.js';

/** A branch's sync status, or undefined while no worker answers the query within 5 s. */
export function syncStatus(client: Client, branch: string): Promise<SyncStatus | undefined> {
  return client
    .withDeadline(Date.now() + 5000, () =>
      client.workflow.getHandle(branchSyncWorkflowId(branch)).query(syncStatusQuery),
    )
    .catch(() => undefined);
}

/** The branch's sync status once `done` holds for it; fails naming `what` and the last status. */
export async function waitForSync(
  client: Client,
  branch: string,
  done: (status: SyncStatus) => boolean,
  what: string,
  timeoutMs: number,
): Promise<SyncStatus> {
  let last: SyncStatus | undefined;
  return waitFor(
    async () => {
      last = await syncStatus(client, branch);
      return last !== undefined && done(last) && last;
    },
    { timeoutMs, intervalMs: 100, what: () => `${branch}: ${what} (last status: ${JSON.stringify(last)})` },
  );
}

/** The first run finished and nothing more is under way or asked for. */
export const firstRunDone = (status: SyncStatus) =>
  status.runsCompleted >= 1 && status.state === 'idle' && status.pending === null;
