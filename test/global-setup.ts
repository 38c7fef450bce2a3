import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensureTemporalCli } from '../src/cli/temporal-cli.js';
import { WORKFLOWS_PATH } from '../src/temporal/workflows-path.js';
import { SEARCH_ATTRIBUTES } from '../src/workflows/search-attributes.js';

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
  process.env.TEMPORAL_VERSION_CHECK_DISABLED = '1';
  const cli = await ensureTemporalCli();
  const env = await startDevServer(cli);

  const dir = await mkdtemp(path.join(os.tmpdir(), 'rentprog-flow-test-'));
  const bundle = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietLogger });
  const workflowBundlePath = path.join(dir, 'workflow-bundle.js');
  await writeFile(workflowBundlePath, bundle.code);

  project.provide('temporalAddress', env.address);
  project.provide('workflowBundlePath', workflowBundlePath);

  return async () => {
    await env.teardown();
    await rm(dir, { recursive: true, force: true });
  };
}

// The SDK gives the dev server 5 s to answer; a busy 2-core machine can miss that once.
async function startDevServer(cli: string, attempts = 3): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: cli },
          searchAttributes: SEARCH_ATTRIBUTES,
          extraArgs: [
            '--dynamic-config-value',
            'frontend.enableServerVersionCheck=false',
            // Low enough that branchSync's continue-as-new happens within a test run.
            '--dynamic-config-value',
            `limit.historyCount.suggestContinueAsNew=${SUGGEST_CONTINUE_AS_NEW_AT}`,
          ],
        },
      });
    } catch (err) {
      if (attempt >= attempts) throw err;
    }
  }
}

const quietLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};
