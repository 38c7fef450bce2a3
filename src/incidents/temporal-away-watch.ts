import type { Incidents } from './incidents.js';
import { incidentKeys } from './keys.js';

export interface TemporalAwayWatchDeps {
  incidents: Incidents;
  /** Webhooks waiting in the outage spool. */
  spoolDepth: () => number;
  now?: () => Date;
  /** How long the breaker may stay open before it is an incident (default a minute). */
  graceMs?: number;
}

export const TEMPORAL_AWAY_GRACE_MS = 60_000;

/**
 * `temporal-away`, seen from the ingress, which needs no Temporal to notice: the breaker
 * not closed for more than a minute while webhooks wait in the spool opens it; the
 * breaker closing (a start went through) resolves it at once.
 */
export class TemporalAwayWatch {
  private awaySince: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private readonly graceMs: number;

  constructor(private readonly deps: TemporalAwayWatchDeps) {
    this.now = deps.now ?? (() => new Date());
    this.graceMs = deps.graceMs ?? TEMPORAL_AWAY_GRACE_MS;
  }

  /** Given to the ingress breaker's `onChange`: any state but `closed` means Temporal is away. */
  breakerChanged(state: string): Promise<void> {
    if (state !== 'closed') {
      this.awaySince ??= this.now().getTime();
      return Promise.resolve();
    }
    this.awaySince = undefined;
    return this.deps.incidents.resolve(incidentKeys.temporalAway);
  }

  /** Raises the incident when Temporal has been away past the grace and webhooks wait. */
  async check(): Promise<void> {
    if (this.awaySince === undefined) return;
    if (this.now().getTime() - this.awaySince <= this.graceMs) return;
    const waiting = this.deps.spoolDepth();
    if (waiting === 0) return;
    await this.deps.incidents.raise({
      key: incidentKeys.temporalAway,
      kind: 'temporal_away',
      detail: String(waiting),
    });
  }

  /** Checks every few seconds, so the alert follows the minute closely. */
  start(everyMs = 5000): this {
    this.timer = setInterval(() => void this.check(), everyMs);
    this.timer.unref();
    return this;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
