/**
 * Webhooks flowing while a benchmark runs: booking updates for bookings the simulator
 * really has, spread round-robin over its branches at a steady rate, posted to the
 * ingress on `port` with each branch's secret in the URL; every ACK's latency is kept.
 */
import type { Simulator } from '../src/simulator/simulator.js';
import { webhookBody } from '../src/simulator/webhook-sender.js';
import { quantile } from './service-process.js';

export interface WebhookStreamResult {
  webhooks: number;
  webhookFailed: number;
  webhookP50: number;
  webhookP99: number;
}

export function streamWebhooks(options: {
  sim: Simulator;
  port: number;
  secrets: Record<string, string>;
  perSecond: number;
}): { stop(): Promise<WebhookStreamResult> } {
  const branches = options.sim.branchNames();
  const bookingIds = branches.map((b) =>
    options.sim
      .branch(b)
      .list('booking', 0, 1000)
      .map((x) => x.id),
  );
  const acks: number[] = [];
  const inFlight = new Set<Promise<void>>();
  let failed = 0;
  let stopped = false;

  const post = async (url: string, body: string) => {
    const started = performance.now();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      await response.arrayBuffer();
      acks.push(performance.now() - started);
      if (response.status >= 300) failed++;
    } catch {
      failed++;
    }
  };

  const sending = (async () => {
    const started = performance.now();
    for (let i = 0; !stopped; i++) {
      const wait = started + (i * 1000) / options.perSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (stopped) break;
      const index = i % branches.length;
      const branch = branches[index]!;
      const ids = bookingIds[index]!;
      const id = ids[Math.floor(i / branches.length) % ids.length]!;
      // A new total each time, so no body repeats and none is answered as a duplicate.
      const body = webhookBody('booking_update', { total: [1, 100_000 + i], id });
      const url = `http://127.0.0.1:${options.port}/webhooks/rentprog/${branch}?t=${options.secrets[branch]}`;
      const sent = post(url, body).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await sending;
      await Promise.all(inFlight);
      acks.sort((a, b) => a - b);
      return {
        webhooks: acks.length,
        webhookFailed: failed,
        webhookP50: quantile(acks, 0.5),
        webhookP99: quantile(acks, 0.99),
      };
    },
  };
}
