import type { Logger } from 'pino';
import type { Config } from '../config/config.js';
import { incidentsFromConfig } from '../incidents/from-config.js';
import type { Metrics } from '../metrics/metrics.js';
import { rentprogClientFromConfig } from '../rentprog/api/client-from-config.js';
import type { Db } from '../store/db.js';
import { createActivities } from './index.js';

/**
 * The activities a worker process registers, wired from the configuration: the RentProg
 * client reports refused tokens as incidents, and every Telegram message goes where the
 * configuration says (the demo points `telegram` at its outbox instead).
 */
export function activitiesFromConfig(
  config: Config,
  deps: { db: Db; logger: Logger; metrics?: Metrics; telegram?: Config['telegram'] },
) {
  const telegram = deps.telegram ?? config.telegram;
  const incidents = incidentsFromConfig(
    { ...config, telegram },
    { db: deps.db, logger: deps.logger, metrics: deps.metrics },
  );
  return createActivities({
    db: deps.db,
    rentprog: rentprogClientFromConfig(config.rentprog, deps.metrics, incidents),
    incidents,
    syncWatch: { branches: config.branches, intervalMs: config.rentprog.syncIntervalMs },
    timeZones: config.rentprog.timeZones,
    branchNames: config.branchNames,
    cancelStates: config.rentprog.cancelStates,
    notifyEvents: telegram.notifyEvents,
    pageCap: config.rentprog.maxPages,
    telegram,
    umnico: config.umnico,
    stripe: config.stripe,
    metrics: deps.metrics,
  });
}
