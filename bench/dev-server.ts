import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTemporalCli } from '../src/cli/temporal-cli.js';
import { SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';

/** A fresh in-memory dev server for one benchmark, from the local CLI, with no calls home. */
export async function startBenchDevServer(): Promise<TestWorkflowEnvironment> {
  process.env.TEMPORAL_VERSION_CHECK_DISABLED = '1';
  return TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: await ensureTemporalCli() },
      searchAttributes: SEARCH_ATTRIBUTES,
    },
  });
}
