export interface BusiestWindow {
  branch: string;
  /** The most requests that arrived within any `windowMs` (a window opens at a request). */
  requests: number;
  /** When that window opened (epoch ms). */
  from: number;
  /** Every request of the branch, for the average rate. */
  total: number;
  /** First to last request, ms. */
  spanMs: number;
}

/**
 * Per branch, the busiest sliding window of the simulator's request log: what RentProg
 * would count against a per-minute budget. Every window that can hold the most requests
 * opens at some request, so only those windows are tried.
 */
export function busiestWindows(
  requests: readonly { branch: string; at: number }[],
  windowMs = 60_000,
): BusiestWindow[] {
  const byBranch = new Map<string, number[]>();
  for (const { branch, at } of requests) {
    const times = byBranch.get(branch) ?? [];
    times.push(at);
    byBranch.set(branch, times);
  }
  return [...byBranch.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([branch, times]) => {
      times.sort((a, b) => a - b);
      let best = { requests: 0, from: times[0]! };
      let end = 0;
      for (let start = 0; start < times.length; start++) {
        while (end < times.length && times[end]! < times[start]! + windowMs) end++;
        if (end - start > best.requests) best = { requests: end - start, from: times[start]! };
      }
      return { branch, ...best, total: times.length, spanMs: times[times.length - 1]! - times[0]! };
    });
}
