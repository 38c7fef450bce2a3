import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../temporal/workflows-path.js';

// The last step of `npm run build` (run from lib/): production workers load this bundle
// instead of running webpack at every start.
const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  logger: new DefaultLogger('WARN'),
});
await writeFile(WORKFLOW_BUNDLE_PATH, code);
console.log(`workflow bundle: ${WORKFLOW_BUNDLE_PATH}`);
