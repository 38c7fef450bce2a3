import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';

/** Connects to the run's shared dev server (started in global-setup.ts). */
export function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

/** The workflow bundle built once per run, so no test pays for webpack again. */
export const workflowBundle = () => ({ codePath: inject('workflowBundlePath') });

/** A task queue no other test polls, so each test gets only its own worker. */
export const uniqueTaskQueue = (label: string) => `test-${label}-${randomUUID().slice(0, 8)}`;
