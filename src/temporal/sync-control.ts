import type { Client } from '@temporalio/client';
import {
  branchSyncWorkflowId,
  type SyncRequest,
  type SyncStatus,
  syncNowSignal,
  syncStatusQuery,
} from '../workflows/branch-sync-types.js';

const DEADLINE_MS = 5000;

export type BranchSyncState = { branch: string; status: SyncStatus } | { branch: string; error: string };

/** Asks each branch's sync for a run now; returns each one's completed-run count to watch. */
export async function requestSync(
  client: Client,
  branches: string[],
  request: SyncRequest,
): Promise<{ branch: string; runsBefore?: number; error?: string }[]> {
  return Promise.all(
    branches.map(async (branch) => {
      const current = await readSyncStatus(client, branch);
      if ('error' in current) return { branch, error: current.error };
      const handle = client.workflow.getHandle(branchSyncWorkflowId(branch));
      await client.withDeadline(Date.now() + DEADLINE_MS, () => handle.signal(syncNowSignal, request));
      return { branch, runsBefore: current.status.runsCompleted };
    }),
  );
}

export async function readSyncStatus(client: Client, branch: string): Promise<BranchSyncState> {
  try {
    const status = await client.withDeadline(Date.now() + DEADLINE_MS, () =>
      client.workflow.getHandle(branchSyncWorkflowId(branch)).query(syncStatusQuery),
    );
    return { branch, status };
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    return {
      branch,
      error: name === 'WorkflowNotFoundError' ? 'синхронизация не запущена' : 'Temporal не отвечает',
    };
  }
}

/** The run asked for (and any it queued) has finished. */
export const syncFinished = (status: SyncStatus, runsBefore: number) =>
  status.runsCompleted > runsBefore && status.state === 'idle' && !status.pending;
