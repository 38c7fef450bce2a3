import type { Client } from '@temporalio/client';

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
