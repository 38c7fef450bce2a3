import type { Client } from '@temporalio/client';
import { RELAY_PARALLEL } from '../../src/ingress/spool-relay.js';

/**
 * Workflow starts a second a bare client gets from this Temporal, with the relay's
 * parallelism: the most any relay could drain. The workflows go to a task queue nobody
 * polls and are terminated after, so they cost the drill nothing else.
 */
export async function bareStartsPerSecond(client: Client, count = 500): Promise<number> {
  const ids = Array.from({ length: count }, (_, i) => `drill-ceiling-${Date.now()}-${i}`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: RELAY_PARALLEL }, async () => {
      while (next < ids.length) {
        const workflowId = ids[next++]!;
        await client.workflow.start('drillCeiling', {
          workflowId,
          taskQueue: 'drill-ceiling-nobody-polls',
          args: [],
        });
      }
    }),
  );
  const rate = count / ((performance.now() - started) / 1000);
  for (const id of ids)
    await client.workflow
      .getHandle(id)
      .terminate('ceiling measured')
      .catch(() => undefined);
  return rate;
}
