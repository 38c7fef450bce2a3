import { Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { activitiesFromConfig } from '../activities/from-config.js';
import type { Config } from '../config/config.js';
import type { Logger } from 'pino';
import { createLogger } from '../logging/logger.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Db } from '../store/db.js';
import { openDatabase } from '../store/open-database.js';
import { createWorkers, stopWorkers } from './create-worker.js';
import { serviceClient } from './data-converter.js';
import { ensureBranchSyncs } from './ensure-branch-syncs.js';
import { agendaScheduleId, ensureAgendaSchedules } from './ensure-agenda-schedules.js';
import { ensureHealthSchedule, HEALTH_SCHEDULE_ID } from './ensure-health-schedule.js';
import { installRuntime } from './install-runtime.js';

/**
 * Runs the worker until SIGINT/SIGTERM. Temporal's Runtime turns those signals into a
 * graceful worker shutdown; afterwards the connection and the database are closed.
 */
async function ensureSyncs(config: Config): Promise<void> {
  const connection = await Connection.connect({ address: config.temporal.address });
  try {
    const client = serviceClient(connection, config.temporal);
    await ensureBranchSyncs(client, config);
    await ensureAgendaSchedules(client, config);
    await ensureHealthSchedule(client, config);
  } finally {
    await connection.close();
  }
}

export async function runWorker(
  config: Config,
  log: (line: string) => void,
  shared?: Db,
  metrics?: Metrics,
  logger: Logger = createLogger(),
): Promise<void> {
  // Temporal's SDK metrics (task latencies, slots, polls) on their own port, when asked for.
  installRuntime({ level: 'INFO', metricsAddress: config.temporal.metricsAddress });
  // `start` shares one database handle among its roles (PGlite allows one opener).
  const db = shared ?? (await openDatabase(config.database));
  let connection: NativeConnection | undefined;
  try {
    connection = await NativeConnection.connect({ address: config.temporal.address });
    const workers = await createWorkers({
      connection,
      temporal: config.temporal,
      branches: config.branches,
      maxRequestsPerMinute: config.rentprog.maxRequestsPerMinute,
      activities: activitiesFromConfig(config, { db, logger, metrics }),
    });
    const running = Promise.all(workers.map((worker) => worker.run()));
    log(`worker polling task queue "${config.temporal.taskQueue}" at ${config.temporal.address}`);
    try {
      await ensureSyncs(config);
    } catch (err) {
      stopWorkers(workers);
      await running.catch(() => undefined);
      throw err;
    }
    log(`branch syncs running: ${config.branches.join(', ')}`);
    log(`agenda schedules: ${config.branches.map(agendaScheduleId).join(', ')}`);
    log(`health schedule "${HEALTH_SCHEDULE_ID}" every ${config.health.checkIntervalMs / 1000} s`);
    await running;
    log('worker stopped');
  } finally {
    await connection?.close();
    if (!shared) await db.close();
  }
}
