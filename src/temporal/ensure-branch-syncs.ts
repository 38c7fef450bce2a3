import type { Client } from '@temporalio/client';
import type { Config } from '../config/config.js';
import type { branchSync } from '../workflows/branch-sync.js';
import { branchSyncWorkflowId, pagesPerActivity } from '../workflows/branch-sync-types.js';
import { BRANCH_SEARCH_ATTRIBUTE } from '../workflows/search-attributes.js';

const DAY_MS = 86_400_000;

/**
 * Makes sure one `branchSync` runs per configured branch. USE_EXISTING leaves a running
 * one alone (its state and schedule survive a restart of the service), so this is safe
 * to call at every start-up. Returns the run id per branch.
 */
export async function ensureBranchSyncs(
  client: Client,
  config: Pick<Config, 'branches' | 'rentprog' | 'temporal'>,
): Promise<Record<string, string>> {
  const runs: Record<string, string> = {};
  for (const branch of config.branches) {
    const handle = await client.workflow.start<typeof branchSync>('branchSync', {
      workflowId: branchSyncWorkflowId(branch),
      taskQueue: config.temporal.taskQueue,
      workflowIdConflictPolicy: 'USE_EXISTING',
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
    });
    runs[branch] = handle.firstExecutionRunId;
  }
  return runs;
}
