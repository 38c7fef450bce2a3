import type { RetryPolicy } from '@temporalio/common';

/** The longest `Retry-After` we wait for; longer ones are shortened to this, on purpose. */
export const MAX_RETRY_AFTER_MS = 5 * 60_000;

/** The first retry's delay; each later one doubles it. */
export const INITIAL_RETRY_MS = 1000;

/**
 * Retries for activities that call RentProg, like the original client: exponential
 * backoff ×2, with jitter added by `toActivityFailure` (Temporal's policy has none).
 * `maximumInterval` must be at least MAX_RETRY_AFTER_MS, because the server clamps
 * `nextRetryDelay` to it (the server caps any retry delay at the policy's maximum interval).
 * Pure data, so workflows may import it: it names the error classes, it does not load them.
 */
export const RENTPROG_RETRY_POLICY: RetryPolicy = {
  initialInterval: INITIAL_RETRY_MS,
  backoffCoefficient: 2,
  maximumInterval: MAX_RETRY_AFTER_MS,
  maximumAttempts: 8,
  nonRetryableErrorTypes: ['RentProgAuthError', 'RentProgNotFoundError', 'RentProgInvalidResponseError'],
};
