import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from '../temporal/workflows-path.js';

// The last step of `npm run build` (run from lib/): production workers load this bundle
// instead of running webpack at every start. A worker started from the sources runs this
// too, in a child process, with the file to write as its argument.
const out = process.argv[2] ?? WORKFLOW_BUNDLE_PATH;
const { code } = await bundleWorkflowCode({
  workflowsPath: WORKFLOWS_PATH,
  logger: new DefaultLogger('WARN'),
});
await writeFile(out, code);
if (!process.argv[2]) console.log(`workflow bundle: ${out}`);
