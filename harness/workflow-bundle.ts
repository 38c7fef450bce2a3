import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { WORKFLOWS_PATH } from '../src/temporal/workflows-path.js';

/** The bundler reports every module it packs at info level; only its warnings and errors matter here. */
const quietBundler = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(message),
  error: (message: string) => console.error(message),
};

/** The service's workflows bundled as a worker would load them, without the bundler's chatter. */
export const bundleWorkflows = (): Promise<WorkflowBundle> =>
  bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: quietBundler });
