import type { Client } from '@temporalio/client';
import type { healthCheck } from '../workflows/health-check.js';
import type { HealthReport, ProbeSpec } from '../workflows/health-check-types.js';

/**
 * Runs the healthCheck workflow and waits for its report. The execution timeout makes a
 * missing worker show up as a failure after `timeoutMs` instead of a wait forever.
 */
export async function runHealthCheck(
  client: Client,
  options: { taskQueue: string; probes: ProbeSpec[]; timeoutMs?: number },
): Promise<HealthReport> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  return client.workflow.execute<typeof healthCheck>('healthCheck', {
    workflowId: `health-check:${new Date().toISOString()}:${Math.random().toString(36).slice(2, 8)}`,
    taskQueue: options.taskQueue,
    args: [{ probes: options.probes }],
    workflowExecutionTimeout: timeoutMs,
  });
}
