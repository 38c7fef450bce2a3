import type { Logger } from 'pino';
import type { Spool } from './spool.js';
import {
  type Starter,
  startEventWorkflow,
  startQuarantineWorkflow,
  TemporalUnavailableError,
} from './start-workflows.js';

/**
 * Drains the spool into workflows as soon as Temporal answers again, in arrival order,
 * with the same workflow ids (so a webhook spooled twice still becomes one workflow).
 * An entry is dropped only after its start was accepted or recognised as a duplicate.
 */
export function startSpoolRelay(deps: {
  spool: Spool;
  starter: Starter;
  logger: Logger;
  intervalMs?: number;
}) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> = Promise.resolve();

  const drain = async () => {
    for (const entry of await deps.spool.pending()) {
      if (stopped) return;
      try {
        const result =
          entry.kind === 'event'
            ? await startEventWorkflow(deps.starter, entry.input)
            : await startQuarantineWorkflow(deps.starter, entry.input);
        await deps.spool.ack([entry.seq]);
        deps.logger.info({ workflowId: result.workflowId, duplicate: result.duplicate }, 'spool: relayed');
      } catch (err) {
        if (err instanceof TemporalUnavailableError) return; // still away: try again later
        deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'spool: relay failed');
        return;
      }
    }
  };
  const tick = () => {
    if (stopped) return;
    draining = drain()
      .catch((err: unknown) =>
        deps.logger.error({ err: err instanceof Error ? err.message : String(err) }, 'spool: cannot read'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs ?? 1000);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await draining;
    },
  };
}
