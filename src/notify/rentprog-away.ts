import { ActivityFailure, RetryState, TimeoutFailure } from '@temporalio/common';

/**
 * Whether a failed fetch means RentProg stayed away past the event's retry window (its
 * schedule-to-close timeout, or its attempts used up), rather than refusing the record
 * for good (a data error, a token refused, an answer we cannot use: those are
 * non-retryable). Only then is a message built from the webhook alone better than none.
 */
export function rentprogStayedAway(err: unknown): boolean {
  if (!(err instanceof ActivityFailure)) return false;
  return (
    err.retryState === RetryState.TIMEOUT ||
    err.retryState === RetryState.MAXIMUM_ATTEMPTS_REACHED ||
    (err.retryState !== RetryState.NON_RETRYABLE_FAILURE && err.cause instanceof TimeoutFailure)
  );
}
