import type { Logger } from 'pino';

export interface BreakerDeps {
  /** True when Temporal answers again. */
  probe: () => Promise<boolean>;
  logger: Logger;
  /** How often to probe while open. */
  intervalMs?: number;
  onChange?: (open: boolean) => void;
}

/**
 * Remembers that Temporal is away. Without it every webhook during an outage would wait
 * the full start deadline before being spooled; with it, once a start has failed as
 * "away", webhooks are spooled at once until a background probe sees Temporal again.
 */
export class TemporalBreaker {
  private open = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly deps: BreakerDeps) {}

  isOpen(): boolean {
    return this.open;
  }

  /** A start failed because Temporal is away: spool from now on, and start probing. */
  trip(reason: string): void {
    if (this.open || this.stopped) return;
    this.open = true;
    this.deps.logger.warn({ reason }, 'temporal away: spooling webhooks until it answers');
    this.deps.onChange?.(true);
    this.schedule();
  }

  /** Something reached Temporal: send webhooks straight to it again. */
  close(): void {
    clearTimeout(this.timer);
    if (!this.open) return;
    this.open = false;
    this.deps.logger.info('temporal answers again: starting workflows directly');
    this.deps.onChange?.(false);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    this.timer = setTimeout(() => void this.check(), this.deps.intervalMs ?? 1000);
  }

  private async check(): Promise<void> {
    if (!this.open || this.stopped) return;
    const answers = await this.deps.probe().catch(() => false);
    if (answers) this.close();
    else if (!this.stopped) this.schedule();
  }
}
