import { ApplicationFailure } from '@temporalio/common';
import { RentProgError } from '../rentprog/api/errors.js';
import { INITIAL_RETRY_MS, MAX_RETRY_AFTER_MS } from './rentprog-retry-policy.js';

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
function backoffMs(attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(INITIAL_RETRY_MS * 2 ** Math.max(0, attempt - 1), MAX_RETRY_AFTER_MS);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}
