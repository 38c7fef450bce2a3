/**
 * How the ingress benchmark drives any sender (an HTTP POST, or a bare Temporal start), so
 * every variant is loaded and timed the same way: at a fixed rate the sends are open-loop,
 * one every 1/rate s whatever is still in flight, each timed from when it was due; at
 * rate 0, `concurrency` closed loops send again as soon as their last one is answered.
 */

/** One send; resolves true when it was accepted (2xx, or a started workflow). */
export type Send = (i: number) => Promise<boolean>;

export interface DriveOptions {
  /** Sends per second; 0 is as fast as `concurrency` loops go. */
  rate: number;
  seconds: number;
  /** At most this many sends, however long the time: a warm-up of a fixed size. */
  count?: number;
  concurrency?: number;
  /** Open-loop sends past this many in flight are skipped (and counted), not queued. */
  maxInFlight?: number;
}

export interface DriveResult {
  rate: number;
  achieved: number;
  total: number;
  p50: number;
  p99: number;
  max: number;
  ok: number;
  failed: number;
  errors: number;
  skipped: number;
}

export const MAX_CONCURRENCY = 64;

export async function drive(send: Send, options: DriveOptions): Promise<DriveResult> {
  const { rate, seconds } = options;
  const count = options.count ?? Infinity;
  const latencies: number[] = [];
  const tally = { ok: 0, failed: 0, errors: 0, skipped: 0 };
  let issued = 0;
  const one = async (dueAt: number) => {
    const i = issued++;
    try {
      if (await send(i)) tally.ok++;
      else tally.failed++;
    } catch {
      tally.errors++;
    }
    latencies.push(performance.now() - dueAt);
  };

  const started = performance.now();
  const deadline = started + seconds * 1000;
  if (rate > 0) await openLoop(rate, deadline, count, options.maxInFlight ?? 1024, one, tally);
  else await closedLoops(options.concurrency ?? MAX_CONCURRENCY, deadline, count, () => issued, one);
  const elapsed = Math.min(performance.now(), deadline) - started;

  latencies.sort((a, b) => a - b);
  const at = (q: number) => Math.round(latencies[Math.floor(q * (latencies.length - 1))] ?? 0);
  return {
    rate,
    achieved: Math.round(tally.ok / (elapsed / 1000)),
    total: latencies.length,
    p50: at(0.5),
    p99: at(0.99),
    max: at(1),
    ...tally,
  };
}

/** Sends every due one on each tick; a tick late by a few ms sends several at once. */
async function openLoop(
  rate: number,
  deadline: number,
  count: number,
  maxInFlight: number,
  one: (dueAt: number) => Promise<void>,
  tally: { skipped: number },
) {
  const started = performance.now();
  const inFlight = new Set<Promise<void>>();
  let scheduled = 0;
  while (scheduled < count) {
    const now = performance.now();
    if (now >= deadline) break;
    const due = Math.min(count, Math.floor(((now - started) * rate) / 1000) + 1);
    for (; scheduled < due; scheduled++) {
      if (inFlight.size >= maxInFlight) {
        tally.skipped++;
        continue;
      }
      const sending = one(started + (scheduled * 1000) / rate);
      inFlight.add(sending);
      void sending.finally(() => inFlight.delete(sending));
    }
    const nextDue = started + (scheduled * 1000) / rate;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, nextDue - performance.now())));
  }
  await Promise.all(inFlight);
}

async function closedLoops(
  concurrency: number,
  deadline: number,
  count: number,
  issued: () => number,
  one: (dueAt: number) => Promise<void>,
) {
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < deadline && issued() < count) await one(performance.now());
    }),
  );
}
