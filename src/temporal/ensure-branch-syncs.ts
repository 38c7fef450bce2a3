import type { Client, WorkflowStartOptions } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { branchSync } from '../workflows/branch-sync.js';
import { branchSyncWorkflowId, pagesPerActivity } from '../workflows/branch-sync-types.js';
import { BRANCH_SEARCH_ATTRIBUTE } from '../workflows/search-attributes.js';

const DAY_MS = 86_400_000;

export type SyncConfig = Pick<Config, 'branches' | 'rentprog' | 'temporal'>;

/** How a branch's `branchSync` is started, the same whether by the worker or by a sync request. */
export function branchSyncStartOptions(
  config: SyncConfig,
  branch: string,
): WorkflowStartOptions<typeof branchSync> {
  return {
    workflowId: branchSyncWorkflowId(branch),
    taskQueue: config.temporal.taskQueue,
    args: [
      {
        branch,
        intervalMs: config.rentprog.syncIntervalMs,
        pageSize: config.rentprog.pageLimit,
        pagesPerActivity: pagesPerActivity(config.rentprog.maxRequestsPerMinute),
        pollSinceDays: config.rentprog.pollSinceDays,
        fullEveryMs: DAY_MS,
      },
    ],
    typedSearchAttributes: [{ key: BRANCH_SEARCH_ATTRIBUTE, value: branch }],
    staticSummary: `RentProg sync of ${branch}`,
  };
}

/**
 * Makes sure one `branchSync` runs per configured branch. USE_EXISTING leaves a running
 * one alone (its state and schedule survive a restart of the service), so this is safe
 * to call at every start-up. Returns the run id per branch.
 */
export async function ensureBranchSyncs(client: Client, config: SyncConfig): Promise<Record<string, string>> {
  const runs: Record<string, string> = {};
  for (const branch of config.branches) {
    const handle = await client.workflow.start<typeof branchSync>('branchSync', {
      ...branchSyncStartOptions(config, branch),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    runs[branch] = handle.firstExecutionRunId;
  }
  return runs;
}
