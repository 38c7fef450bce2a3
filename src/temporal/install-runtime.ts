import { DefaultLogger, type LogLevel, type LogMetadata, Runtime } from '@temporalio/worker';

/**
 * The per-branch workers poll activities only, by design (they exist for their rate limit),
 * and the SDK warns about each of them at start with no option to say it is meant. A
 * healthy start shows no warnings, so exactly this message is dropped; every other one
 * still reaches stderr.
 */
const ACTIVITY_ONLY_WORKER = 'No workflows registered, not polling for workflow tasks';

class SdkLogger extends DefaultLogger {
  override log(level: LogLevel, message: string, meta?: LogMetadata): void {
    if (message !== ACTIVITY_ONLY_WORKER) super.log(level, message, meta);
  }
}

/**
 * Temporal's Runtime for this process, installed once before the first worker: the SDK's
 * log lines from `level` up, and its own metrics on `metricsAddress` when given. The
 * Runtime also turns SIGINT/SIGTERM into a graceful shutdown of every worker.
 */
export function installRuntime(options: { level: LogLevel; metricsAddress?: string }): void {
  Runtime.install({
    logger: new SdkLogger(options.level),
    ...(options.metricsAddress
      ? { telemetryOptions: { metrics: { prometheus: { bindAddress: options.metricsAddress } } } }
      : {}),
  });
}
