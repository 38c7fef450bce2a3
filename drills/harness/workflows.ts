import type { Client } from '@temporalio/client';
import {
  branchSyncWorkflowId,
  type SyncStatus,
  syncStatusQuery,
} from '../../src/workflows/branch-sync-types.js';
import { waitUntil } from './wait.js';

export interface RunInfo {
  workflowId: string;
  runId: string;
  status: string;
}

/** Every run matching a visibility query, e.g. `WorkflowType = "rentprogEvent"`. */
export async function listRuns(client: Client, query: string): Promise<RunInfo[]> {
  const runs: RunInfo[] = [];
  for await (const run of client.workflow.list({ query })) {
    runs.push({ workflowId: run.workflowId, runId: run.runId, status: run.status.name });
  }
  return runs;
}

/**
 * What the runs' histories say about their activities: how many there were, how many
 * attempts each took (a retried activity's last attempt is in its started event), the
 * retries in all, and how many failed or timed out for good.
 */
export async function activityAttempts(client: Client, runs: RunInfo[]) {
  const byAttempts = new Map<number, number>();
  let failedForGood = 0;
  let timedOut = 0;
  for (const { workflowId, runId } of runs) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    for (const event of history.events ?? []) {
      const attempt = event.activityTaskStartedEventAttributes?.attempt;
      if (attempt) byAttempts.set(attempt, (byAttempts.get(attempt) ?? 0) + 1);
      if (event.activityTaskFailedEventAttributes) failedForGood++;
      if (event.activityTaskTimedOutEventAttributes) timedOut++;
    }
  }
  const counts = [...byAttempts].sort(([a], [b]) => a - b);
  return {
    activities: counts.reduce((sum, [, n]) => sum + n, 0),
    retries: counts.reduce((sum, [attempts, n]) => sum + (attempts - 1) * n, 0),
    failedForGood,
    timedOut,
    text: `${counts.map(([attempts, n]) => `${n}×${attempts}`).join(', ')}; ${failedForGood} failed for good`,
  };
}

/** A branch's sync status, or undefined while no worker answers the query within 5 s. */
export function syncStatus(client: Client, branch: string): Promise<SyncStatus | undefined> {
  return client
    .withDeadline(Date.now() + 5000, () =>
      client.workflow.getHandle(branchSyncWorkflowId(branch)).query(syncStatusQuery),
    )
    .catch(() => undefined);
}

export async function waitForSync(
  client: Client,
  branch: string,
  done: (status: SyncStatus) => boolean,
  what: string,
  timeoutMs: number,
): Promise<SyncStatus> {
  let last: SyncStatus | undefined;
  await waitUntil(
    async () => {
      last = await syncStatus(client, branch);
      return last !== undefined && done(last);
    },
    `${branch}: ${what}`,
    timeoutMs,
  );
  return last!;
}

/** The first run finished and nothing more is under way or asked for. */
export const firstRunDone = (status: SyncStatus) =>
  status.runsCompleted >= 1 && status.state === 'idle' && status.pending === null;
