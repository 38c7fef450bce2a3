/**
 * A steady stream of signed-by-URL booking webhooks spread round-robin over branches,
 * each for a booking the branch really has (so its event fetches and stores a record),
 * with every ACK's latency kept.
 */
import type { Simulator } from '../src/simulator/simulator.js';
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { quantile } from './service-process.js';

export interface StreamTarget {
  branch: string;
  /** The branch's webhook URL with its secret in `?t=`. */
  url: string;
  bookingIds: number[];
}

/** Every branch of the simulator, its service's URL on `port` with its secret, and up to `bookings` of its bookings. */
export function webhookTargets(
  sim: Simulator,
  port: number,
  secrets: Record<string, string>,
  bookings: number,
): StreamTarget[] {
  return Object.keys(secrets).map((branch) => ({
    branch,
    url: `http://127.0.0.1:${port}/webhooks/rentprog/${branch}?t=${secrets[branch]}`,
    bookingIds: sim
      .branch(branch)
      .list('booking', 0, bookings)
      .map((b) => b.id),
  }));
}

export interface StreamResult {
  webhooks: number;
  failed: number;
  webhookP50: number;
  webhookP99: number;
}

export class BranchWebhooks {
  private readonly acks: number[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failed = 0;
  private stopped = false;
  private done: Promise<void> | undefined;

  constructor(
    private readonly targets: StreamTarget[],
    private readonly perSecond: number,
  ) {}

  start(): void {
    this.done = this.run();
  }

  async stop(): Promise<StreamResult> {
    this.stopped = true;
    await this.done;
    await Promise.all(this.inFlight);
    const sorted = [...this.acks].sort((a, b) => a - b);
    return {
      webhooks: sorted.length,
      failed: this.failed,
      webhookP50: quantile(sorted, 0.5),
      webhookP99: quantile(sorted, 0.99),
    };
  }

  private async run(): Promise<void> {
    const started = performance.now();
    for (let i = 0; !this.stopped; i++) {
      const wait = started + (i * 1000) / this.perSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopped) break;
      const target = this.targets[i % this.targets.length]!;
      const round = Math.floor(i / this.targets.length);
      const id = target.bookingIds[round % target.bookingIds.length]!;
      // A new total each time: every body is new, so none is answered as a duplicate.
      const body = webhookBody('booking_update', { total: [1, 100_000 + i], id });
      const sent = this.post(target.url, body);
      this.inFlight.add(sent);
      void sent.finally(() => this.inFlight.delete(sent));
    }
  }

  private async post(url: string, body: string): Promise<void> {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      await response.arrayBuffer();
      this.acks.push(performance.now() - started);
      if (response.status >= 300) this.failed++;
    } catch {
      this.failed++;
    }
  }
}
