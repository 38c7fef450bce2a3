import { ApplicationFailure, type RetryPolicy } from '@temporalio/common';
import { RentProgError } from './errors.js';

/** The longest `Retry-After` we wait for; longer ones are shortened to this, on purpose. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

const INITIAL_RETRY_MS = 1000;

/**
 * Retries for activities that call RentProg, like the original client: exponential
 * backoff ×2, with jitter added by `toActivityFailure` (Temporal's policy has none).
 * `maximumInterval` must be at least MAX_RETRY_AFTER_MS, because the server clamps
 * `nextRetryDelay` to it (the server caps any retry delay at the policy's maximum interval).
 */
export const RENTPROG_RETRY_POLICY: RetryPolicy = {
  initialInterval: INITIAL_RETRY_MS,
  backoffCoefficient: 2,
  maximumInterval: MAX_RETRY_AFTER_MS,
  maximumAttempts: 8,
  nonRetryableErrorTypes: ['RentProgAuthError', 'RentProgNotFoundError', 'RentProgInvalidResponseError'],
};

/**
 * Turns a RentProg failure into what Temporal should do with it: auth, not found and
 * invalid answers fail at once; 429 waits the server's `Retry-After`; 5xx and network
 * errors back off exponentially with ±20 % jitter. Anything else passes through.
 */
export function toActivityFailure(
  err: unknown,
  attempt: number,
  random: () => number = Math.random,
): unknown {
  if (!(err instanceof RentProgError)) return err;
  const base = { message: err.message, type: err.name, cause: err };
  if (!err.retryable) return ApplicationFailure.create({ ...base, nonRetryable: true });
  if (err.kind === 'rate-limited' && 'retryAfterMs' in err) {
    return ApplicationFailure.create({
      ...base,
      nextRetryDelay: Math.min(err.retryAfterMs as number, MAX_RETRY_AFTER_MS),
    });
  }
  return ApplicationFailure.create({ ...base, nextRetryDelay: backoffMs(attempt, random) });
}

/** The delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s … ±20 %, capped. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(INITIAL_RETRY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_AFTER_MS);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
