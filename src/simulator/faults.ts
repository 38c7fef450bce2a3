/**
 * Misbehaviour to switch on per route (or `*` for all), optionally for one branch
 * (`all_cars@batumi`), so tests can meet every failure.
 */
export interface Fault {
  /** Added before answering. */
  latencyMs?: number;
  /** Share of requests (0…1) answered with `errorStatus`. */
  errorRate?: number;
  errorStatus?: number;
  /** Share of requests (0…1), besides `errorRate`, answered 429 with `Retry-After` (default 1 s). */
  throttled?: { share: number; retryAfterSeconds?: number };
  /** Every request gets this status (e.g. 401, 404, 500). */
  status?: number;
  /** 429 once a branch made `limit` requests within the last `windowMs` (default a minute). */
  rateLimit?: {
    limit: number;
    windowMs?: number;
    retryAfter?: { seconds: number } | { date: true } | 'none';
  };
  /** 200 with a body cut off mid-JSON. */
  malformedJson?: boolean;
  /** Never answer; the client's timeout has to end it. */
  hang?: boolean;
  /** A 200 whose entity has another id than the one asked for. */
  wrongId?: boolean;
  /** A 200 with this body instead of the real one (shape mismatches). */
  replaceBody?: unknown;
}

export class FaultTable {
  private readonly faults = new Map<string, Fault>();

  set(route: string, fault: Fault): void {
    this.faults.set(route, fault);
  }

  clear(): void {
    this.faults.clear();
  }

  /**
   * The fault for a request: `*`, then `*@branch`, then the route, then `route@branch`,
   * each more specific one overriding the last.
   */
  for(route: string, branch?: string): Fault {
    const keys = ['*', `*@${branch}`, route, `${route}@${branch}`];
    return Object.fromEntries(keys.flatMap((key) => Object.entries(this.faults.get(key) ?? {})));
  }
}
