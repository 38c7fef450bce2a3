/** A request token as `get_token` answered it. */
export interface IssuedToken {
  token: string;
  /** RentProg's `exp`, if it sent a readable one. */
  expiresAt?: Date;
}

/** When `exp` is missing or unreadable: 240 s minus 2 s, as the original system assumed. */
export const FALLBACK_TOKEN_TTL_MS = 238_000;

export interface TokenCacheOptions {
  /** Refresh this long before `exp`, so a token never expires in flight. */
  refreshMarginMs?: number;
  now?: () => number;
}

interface Entry {
  token: string;
  validUntil: number;
}

/**
 * One request token per branch, reused until shortly before it expires. Concurrent
 * callers on a cold or stale cache share one exchange in flight (single-flight), because
 * RentProg rate-limits `get_token` and answered a token per request with 429s (docs/rentprog-api.md, Tokens).
 */
export class TokenCache {
  private readonly tokens = new Map<string, Entry>();
  private readonly inFlight = new Map<string, Promise<string>>();
  private readonly marginMs: number;
  private readonly now: () => number;

  constructor(
    private readonly exchange: (branch: string) => Promise<IssuedToken>,
    options: TokenCacheOptions = {},
  ) {
    this.marginMs = options.refreshMarginMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  async get(branch: string): Promise<string> {
    const cached = this.tokens.get(branch);
    if (cached && cached.validUntil > this.now()) return cached.token;
    const pending = this.inFlight.get(branch);
    if (pending) return pending;

    const exchange = this.exchange(branch)
      .then((issued) => {
        this.tokens.set(branch, { token: issued.token, validUntil: this.validUntil(issued) });
        return issued.token;
      })
      .finally(() => this.inFlight.delete(branch));
    this.inFlight.set(branch, exchange);
    return exchange;
  }

  /**
   * Forgets `token` after RentProg refused it. A token another caller already replaced
   * is left alone, so a burst of 401s leads to one exchange, not one each.
   */
  invalidate(branch: string, token: string): void {
    if (this.tokens.get(branch)?.token === token) this.tokens.delete(branch);
  }

  private validUntil(issued: IssuedToken): number {
    const now = this.now();
    const expiresAt = issued.expiresAt?.getTime();
    if (expiresAt === undefined || Number.isNaN(expiresAt)) return now + FALLBACK_TOKEN_TTL_MS;
    // A token that lives shorter than twice the margin is still used for half its life.
    const lifetime = expiresAt - now;
    return now + Math.max(lifetime - this.marginMs, lifetime / 2);
  }
}
