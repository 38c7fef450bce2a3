import { Context } from '@temporalio/activity';

/** Well inside the workflows' 10 s heartbeat timeouts, so a busy event loop is not taken for a dead worker. */
export const HEARTBEAT_EVERY_MS = 2000;

/**
 * Runs `work` while telling Temporal every HEARTBEAT_EVERY_MS that this worker is alive,
 * with `progress()` as the details a retry finds in `activityInfo().heartbeatDetails`. A
 * worker killed mid-activity is then noticed within the heartbeat timeout instead of the
 * start-to-close timeout. Activities scheduled without a heartbeat timeout (and local
 * ones) are not to heartbeat, so for them this only runs `work`.
 */
export async function whileHeartbeating<T>(work: () => Promise<T>, progress?: () => unknown): Promise<T> {
  const context = Context.current();
  if (!context.info.heartbeatTimeoutMs) return work();
  const timer = setInterval(() => context.heartbeat(progress?.()), HEARTBEAT_EVERY_MS);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
