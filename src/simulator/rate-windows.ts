/** 429 once a branch made `limit` requests within the last `windowMs` (default a minute). */
export interface RateLimit {
  limit: number;
  windowMs?: number;
  retryAfter?: { seconds: number } | { date: true } | 'none';
}

/** Each branch's requests within the last window, for the `rateLimit` fault. */
export class RateWindows {
  private readonly windows = new Map<string, number[]>();

  /** Undefined while the branch is under its limit; otherwise the 429's headers. */
  refuse(branch: string, limit: RateLimit): Record<string, string> | undefined {
    const now = Date.now();
    const windowMs = limit.windowMs ?? 60_000;
    const window = (this.windows.get(branch) ?? []).filter((at) => at > now - windowMs);
    this.windows.set(branch, window);
    if (window.length < limit.limit) {
      window.push(now);
      return undefined;
    }
    const waitSeconds = Math.max(1, Math.ceil((window[0]! + windowMs - now) / 1000));
    const retryAfter = limit.retryAfter ?? { seconds: waitSeconds };
    if (retryAfter === 'none') return {};
    if ('date' in retryAfter) return { 'Retry-After': new Date(now + waitSeconds * 1000).toUTCString() };
    return { 'Retry-After': String(retryAfter.seconds) };
  }
}
