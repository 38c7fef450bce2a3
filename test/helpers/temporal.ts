import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { inject, vi } from 'vitest';
import { type EventOutcome, eventOutcomeQuery } from '../../src/workflows/rentprog-event-types.js';

/** Connects to the run's shared dev server (started in global-setup.ts). */
export function connectToDevServer(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createFromExistingServer({ address: inject('temporalAddress') });
}

/** The workflow bundle built once per run, so no test pays for webpack again. */
export const workflowBundle = () => ({ codePath: inject('workflowBundlePath') });

/** A task queue no other test polls, so each test gets only its own worker. */
export const uniqueTaskQueue = (label: string) => `test-${label}-${randomUUID().slice(0, 8)}`;

/**
 * A `rentprogEvent`'s outcome as soon as its work is done: the workflow then stays open
 * for the dedup window, so its result would come only when the window closes. Fails
 * loudly when the deadline passes, with the workflow's failure if it failed.
 */
export function eventOutcome(client: Client, workflowId: string, timeoutMs = 30_000): Promise<EventOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  return vi.waitFor(
    async () => {
      const { status } = await handle.describe();
      if (status.name !== 'RUNNING') return (await handle.result()) as EventOutcome;
      const outcome = await handle.query(eventOutcomeQuery);
      if (!outcome) throw new Error(`${workflowId} has not finished its work`);
      return outcome;
    },
    { timeout: timeoutMs, interval: 100 },
  );
}
