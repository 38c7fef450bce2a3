import type { RouteAnswer, ServedAnswer } from './api-routes.js';
import type { RateLimit, RateWindows } from './rate-windows.js';

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
  rateLimit?: RateLimit;
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

/**
 * The answer a fault gives instead of the route's, if any: a fixed status, the rate
 * limit, or the random shares of server errors and throttling.
 */
export function refusal(
  fault: Fault,
  branch: string,
  rateWindows: RateWindows,
  random: () => number,
): ServedAnswer | undefined {
  if (fault.status) return { status: fault.status, body: { error: `simulated ${fault.status}` } };
  const limited = fault.rateLimit && rateWindows.refuse(branch, fault.rateLimit);
  if (limited) return { status: 429, body: { error: 'Too many requests' }, headers: limited };
  // One draw for both shares, so they add up (30 % errors and 10 % throttled fail 40 %).
  const roll = fault.errorRate || fault.throttled ? random() : 1;
  if (fault.errorRate && roll < fault.errorRate) {
    return { status: fault.errorStatus ?? 503, body: { error: 'simulated server error' } };
  }
  if (fault.throttled && roll < (fault.errorRate ?? 0) + fault.throttled.share) {
    const retryAfter = String(fault.throttled.retryAfterSeconds ?? 1);
    return { status: 429, body: { error: 'Too many requests' }, headers: { 'Retry-After': retryAfter } };
  }
  return undefined;
}

/** A route's 200 as a fault bends it: another body, JSON cut short, or the wrong id. */
export function bend(fault: Fault, answer: RouteAnswer): ServedAnswer {
  if (answer.status !== 200) return answer;
  if (fault.replaceBody !== undefined) return { ...answer, body: fault.replaceBody };
  if (fault.malformedJson) return { ...answer, raw: JSON.stringify(answer.body).slice(0, 20) };
  const body = answer.body;
  if (fault.wrongId && body && typeof body === 'object' && 'id' in body) {
    return { ...answer, body: { ...body, id: (body.id as number) + 1 } };
  }
  return answer;
}
