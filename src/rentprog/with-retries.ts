import { RentProgError, RentProgRateLimitedError } from './errors.js';
import { backoffMs, MAX_RETRY_AFTER_MS } from './temporal-failure.js';

/**
 * For code outside workflows (the CLI): the same classification and backoff that
 * Temporal applies to activities, in a small loop.
 */
export async function withRetries<T>(
  work: () => Promise<T>,
  options: { attempts?: number } = {},
): Promise<T> {
  const attempts = options.attempts ?? 4;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof RentProgError) || !err.retryable || attempt >= attempts) throw err;
      const delay =
        err instanceof RentProgRateLimitedError
          ? Math.min(err.retryAfterMs, MAX_RETRY_AFTER_MS)
          : backoffMs(attempt);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
