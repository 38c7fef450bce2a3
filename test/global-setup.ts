import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startTemporalDevServer } from '../harness/temporal-dev-server.js';
import { bundleWorkflows } from '../harness/workflow-bundle.js';

export const SUGGEST_CONTINUE_AS_NEW_AT = 100;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
    workflowBundlePath: string;
  }
}

/**
 * One Temporal dev server and one workflow bundle for the whole run. The server comes
 * from the local CLI binary (built by `npm run temporal:ensure` if missing), never from
 * a download.
 */
export default async function setup(project: TestProject) {
  const server = await startTemporalDevServer({
    // Low enough that branchSync's continue-as-new happens within a test run.
    dynamicConfig: { 'limit.historyCount.suggestContinueAsNew': SUGGEST_CONTINUE_AS_NEW_AT },
  });

  const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-test-'));
  const bundle = await bundleWorkflows();
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', server.address);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
