import type { Logger } from 'pino';

export interface BreakerDeps {
  /** True when Temporal answers again. */
  probe: () => Promise<boolean>;
  logger: Logger;
  /** How often to probe while open. */
  intervalMs?: number;
  onChange?: (state: BreakerState) => void;
}

/**
 * `closed`: webhooks start their workflows. `open`: Temporal is away; webhooks are spooled
 * at once and a probe watches for Temporal. `half-open`: the probe got an answer, but a
 * Temporal that has just come back can answer probes long before it takes starts in time,
 * so webhooks are still spooled and only the relay tries starts; its first success closes.
 */
export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Remembers that Temporal is away. Without it every webhook during an outage would wait
 * the full start deadline before being spooled; with it, once a start has failed as
 * "away", webhooks are spooled at once until a start through the relay succeeds again.
 */
export class TemporalBreaker {
  private current: BreakerState = 'closed';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: BreakerDeps) {}

  get state(): BreakerState {
    return this.current;
  }

  /** Whether a webhook should go to the spool without trying Temporal. */
  spoolsAtOnce(): boolean {
    return this.current !== 'closed';
  }

  /** A start failed because Temporal is away: spool from now on, and start probing. */
  trip(reason: string): void {
    if (this.stopped || this.current === 'open') return;
    if (this.current === 'closed') {
      this.deps.logger.warn({ reason }, 'temporal away: spooling webhooks until it answers');
    }
    this.set('open');
    this.schedule();
  }

  /** A start went through: send webhooks straight to Temporal again. */
  close(): void {
    clearTimeout(this.timer);
    if (this.current === 'closed') return;
    this.deps.logger.info('temporal takes starts again: starting workflows directly');
    this.set('closed');
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private set(state: BreakerState): void {
    this.current = state;
    this.deps.onChange?.(state);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), this.deps.intervalMs ?? 1000);
  }

  private async check(): Promise<void> {
    if (this.current !== 'open' || this.stopped) return;
    const answers = await this.deps.probe().catch(() => false);
    if (this.current !== 'open' || this.stopped) return;
    if (answers) {
      this.deps.logger.info('temporal answers again: the relay tries the spool first');
      this.set('half-open');
    } else {
      this.schedule();
    }
  }
}
