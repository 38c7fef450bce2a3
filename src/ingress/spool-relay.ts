import type { Logger } from 'pino';
import type { Metrics } from '../metrics/metrics.js';
import type { Spool, SpooledEntry } from './spool.js';
import { TemporalUnavailableError } from './start-errors.js';
import { entryWorkflowId, type Starter, startEntry, temporalSink } from './start-workflows.js';
import type { TemporalBreaker } from './temporal-breaker.js';

/** Entries read per round, and starts in flight at once: enough to drain hundreds a second. */
const BATCH = 256;
export const RELAY_PARALLEL = 32;

export interface RelayDeps {
  spool: Spool;
  starter: Starter;
  logger: Logger;
  metrics?: Metrics;
  /** While it is open the relay waits; its first start that goes through closes it, one that finds Temporal away opens it. */
  breaker?: TemporalBreaker;
  intervalMs?: number;
}

/**
 * Drains the spool into workflows as soon as Temporal answers again, with the same
 * workflow ids (so a webhook spooled twice still becomes one workflow). Entries of one
 * workflow id go in arrival order; different ids go in parallel. An entry leaves the
 * spool only once its start was accepted or recognised as a duplicate, or, when Temporal
 * refused it for good, into the dead letters, so one bad entry never blocks the rest.
 */
export function startSpoolRelay(deps: RelayDeps) {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let draining: Promise<void> = Promise.resolve();
  const sink = temporalSink(deps.starter);

  /** Relays one entry; false when Temporal is away and the round should stop. */
  const relay = async (entry: SpooledEntry, acked: number[]): Promise<boolean> => {
    try {
      const result = await startEntry(sink, entry);
      acked.push(entry.seq);
      deps.metrics?.relay(result.duplicate ? 'duplicate' : 'relayed');
      return true;
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      if (err instanceof TemporalUnavailableError) {
        deps.metrics?.relay('temporal_away');
        deps.breaker?.trip(reason);
        return false;
      }
      deps.logger.error(
        { seq: entry.seq, workflowId: entryWorkflowId(entry), reason },
        'spool: dead-lettered',
      );
      await deps.spool.deadLetter(entry, reason);
      deps.metrics?.relay('dead_lettered');
      return true;
    }
  };

  const drain = async () => {
    for (;;) {
      if (stopped || deps.breaker?.state === 'open') return;
      const batch = await deps.spool.pending(BATCH);
      if (batch.length === 0) return;
      const acked: number[] = [];
      let away = false;
      const lanes = [...groupByWorkflowId(batch).values()];
      await inParallel(lanes, RELAY_PARALLEL, async (lane) => {
        for (const entry of lane) {
          if (away || stopped) return;
          if (!(await relay(entry, acked))) away = true;
        }
      });
      await deps.spool.ack(acked);
      if (acked.length > 0) {
        deps.breaker?.close();
        deps.logger.info({ relayed: acked.length, waiting: deps.spool.depth() }, 'spool: relayed');
      }
      if (away || batch.length < BATCH) return;
    }
  };
  const tick = () => {
    if (stopped) return;
    draining = drain()
      .catch((err: unknown) =>
        deps.logger.error(
          { err: err instanceof Error ? err.message : String(err) },
          'spool: relay round failed',
        ),
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

function groupByWorkflowId(entries: SpooledEntry[]): Map<string, SpooledEntry[]> {
  const lanes = new Map<string, SpooledEntry[]>();
  for (const entry of entries) {
    const id = entryWorkflowId(entry);
    const lane = lanes.get(id);
    if (lane) lane.push(entry);
    else lanes.set(id, [entry]);
  }
  return lanes;
}

/** Runs `work` over `items` with at most `limit` in flight. */
async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await work(items[next++]!);
  });
  await Promise.all(runners);
}
