/**
 * Spaces one branch's requests evenly so that at most `perMinute` start in any minute;
 * RentProg allows about 120 reads a minute per company (docs/rentprog-api.md, Limits and errors) and a sync must
 * never trip 429 on its own.
 *
 * This holds within one process. Across several worker processes each would spend the
 * whole budget, so RentProg-calling activities are scheduled on a per-branch task queue
 * (`rentprogTaskQueue`, served by `createWorkers`) whose dispatch rate the Temporal
 * server limits for all workers together (`maxTaskQueueActivitiesPerSecond`); this
 * throttle then smooths the requests made inside those activities.
 */
export class Throttle {
  private readonly nextSlot = new Map<string, number>();
  private readonly intervalMs: number;

  constructor(
    perMinute: number,
    private readonly clock: ThrottleClock = systemClock,
  ) {
    this.intervalMs = 60_000 / perMinute;
  }

  /** Resolves when `key` may send its next request. */
  async acquire(key: string): Promise<void> {
    const now = this.clock.now();
    const slot = Math.max(now, this.nextSlot.get(key) ?? now);
    this.nextSlot.set(key, slot + this.intervalMs);
    if (slot > now) await this.clock.sleep(slot - now);
  }
}

/** The time the throttle spaces requests by; tests pass a virtual one instead of waiting. */
export interface ThrottleClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: ThrottleClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
