import type { Client } from '@temporalio/client';
import type { branchSync } from '../workflows/branch-sync.js';
import {
  branchSyncWorkflowId,
  type SyncRequest,
  type SyncStatus,
  syncNowSignal,
  syncStatusQuery,
} from '../workflows/branch-sync-types.js';
import { branchSyncStartOptions, type SyncConfig } from './ensure-branch-syncs.js';

const DEADLINE_MS = 5000;

/** Why a branch's sync could not be asked or read; the bot and CLI texts say it in words. */
export type SyncControlError = 'not-running' | 'temporal-unreachable';

export type BranchSyncState =
  { branch: string; status: SyncStatus } | { branch: string; error: SyncControlError };

/**
 * Asks each branch's sync for a run now; returns each one's completed-run count to watch.
 * With the configuration, a branch whose `branchSync` is not running yet (the worker has
 * just started, or someone terminated it) is started with the request (signal-with-start),
 * so asking for a sync never depends on who came first.
 */
export async function requestSync(
  client: Client,
  branches: string[],
  request: SyncRequest,
  config?: SyncConfig,
): Promise<{ branch: string; runsBefore?: number; error?: SyncControlError }[]> {
  return Promise.all(
    branches.map(async (branch) => {
      const current = await readSyncStatus(client, branch);
      const notRunning = 'error' in current && current.error === 'not-running';
      if ('error' in current && !(notRunning && config)) return { branch, error: current.error };
      try {
        await client.withDeadline(Date.now() + DEADLINE_MS, async () => {
          if (!config)
            return client.workflow.getHandle(branchSyncWorkflowId(branch)).signal(syncNowSignal, request);
          await client.workflow.signalWithStart<typeof branchSync, [SyncRequest]>('branchSync', {
            ...branchSyncStartOptions(config, branch),
            signal: syncNowSignal,
            signalArgs: [request],
          });
        });
      } catch {
        return { branch, error: 'temporal-unreachable' as const };
      }
      return { branch, runsBefore: 'error' in current ? 0 : current.status.runsCompleted };
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
      error: name === 'WorkflowNotFoundError' ? 'not-running' : 'temporal-unreachable',
    };
  }
}

/** The run asked for (and any it queued) has finished. */
export const syncFinished = (status: SyncStatus, runsBefore: number) =>
  status.runsCompleted > runsBefore && status.state === 'idle' && !status.pending;
