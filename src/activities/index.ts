import type { RentProgClient } from '../rentprog/client.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Db } from '../store/db.js';
import { createEventActivities } from './events/event-activities.js';
import { createNotifyActivities, type NotifyDeps } from './notify/notify-activities.js';
import { createProbeActivities } from './probes/probe-activities.js';
import { createSyncActivities } from './sync/sync-activities.js';

/** Everything activities need from the outside world, passed in so tests use real local servers. */
export interface ActivityDeps {
  db: Db;
  rentprog: RentProgClient;
  timeZones?: Record<string, string>;
  telegram?: NotifyDeps['telegram'];
  /** RENTPROG_MAX_PAGES: the most pages one list walk may take. */
  pageCap?: number;
  probeTimeoutMs?: number;
  umnico?: { token?: string; baseUrl: string };
  stripe?: { secretKey?: string; baseUrl: string };
  metrics?: Metrics;
}

/** All activities the worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
    ...createEventActivities({ ...deps, timeZones: deps.timeZones ?? {} }),
    ...createSyncActivities({ ...deps, timeZones: deps.timeZones ?? {} }),
    ...createNotifyActivities({
      db: deps.db,
      telegram: deps.telegram ?? { apiRoot: 'https://api.telegram.org', notifyChats: {} },
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
