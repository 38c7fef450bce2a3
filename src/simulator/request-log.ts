export interface LoggedRequest {
  route: string;
  branch: string;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  status: number;
  /** The `page` query parameter, for list requests. */
  page?: number;
}

/** Every request the simulator answered, for tests that count calls or check their spacing. */
export class RequestLog {
  private entries: LoggedRequest[] = [];

  record(entry: LoggedRequest): void {
    this.entries.push(entry);
  }

  list(filter: { route?: string; branch?: string } = {}): LoggedRequest[] {
    return this.entries.filter(
      (e) => (!filter.route || e.route === filter.route) && (!filter.branch || e.branch === filter.branch),
    );
  }

  count(filter: { route?: string; branch?: string } = {}): number {
    return this.list(filter).length;
  }

  /** Requests per "route branch", e.g. `{"all_bookings tbilisi": 12}`. */
  counters(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of this.entries)
      counts[`${e.route} ${e.branch}`] = (counts[`${e.route} ${e.branch}`] ?? 0) + 1;
    return counts;
  }

  reset(): void {
    this.entries = [];
  }
}
