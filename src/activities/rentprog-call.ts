import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { toActivityFailure } from '../temporal/activity-failure.js';

/**
 * Runs a RentProg call inside an activity: Temporal's cancellation aborts the request,
 * and a failure is turned into Temporal's retry decision (see toActivityFailure).
 */
export async function rentprogCall<T>(call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await call(cancellationSignal());
  } catch (err) {
    throw toActivityFailure(err, activityInfo().attempt);
  }
}
