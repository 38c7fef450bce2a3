import type { RentProgClient } from '../rentprog/api/client.js';
import type { Metrics } from '../metrics/metrics.js';
import type { Db } from '../store/db.js';
import type { Incidents } from '../incidents/incidents.js';
import { NOTIFY_EVENT_KINDS, type NotifyEventKind } from '../config/schema.js';
import { createAgendaActivities } from './agenda/agenda-activities.js';
import { createEventActivities } from './events/event-activities.js';
import { createHealthReportActivities, type HealthReportDeps } from './health/report-health.js';
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
  /** RENTPROG_BRANCH_NAMES: what people call each branch. */
  branchNames?: Record<string, string>;
  /** RENTPROG_CANCEL_STATES: booking states that mean cancelled. */
  cancelStates?: string[];
  /** TELEGRAM_NOTIFY_EVENTS: which kinds of event reach the branch chats (default all). */
  notifyEvents?: NotifyEventKind[];
  /** The clock activities read "today" from; tests set it. */
  now?: () => Date;
  /** Opens and resolves incidents (alerts); absent, failures are only in the workflows. */
  incidents?: Incidents;
  /** The configured branches and RENTPROG_SYNC_INTERVAL: the health report judges sync staleness. */
  syncWatch?: HealthReportDeps['syncWatch'];
}

/** All activities the worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
    ...createHealthReportActivities(deps),
    ...createEventActivities({ ...deps, timeZones: deps.timeZones ?? {} }),
    ...createSyncActivities({ ...deps, timeZones: deps.timeZones ?? {} }),
    ...createNotifyActivities({
      db: deps.db,
      telegram: deps.telegram ?? { apiRoot: 'https://api.telegram.org', notifyChats: {} },
      branchNames: deps.branchNames ?? {},
      timeZones: deps.timeZones ?? {},
      cancelStates: deps.cancelStates ?? [],
      notifyEvents: deps.notifyEvents ?? [...NOTIFY_EVENT_KINDS],
      metrics: deps.metrics,
    }),
    ...createAgendaActivities({
      db: deps.db,
      telegram: deps.telegram ?? { apiRoot: 'https://api.telegram.org', notifyChats: {} },
      branchNames: deps.branchNames ?? {},
      timeZones: deps.timeZones ?? {},
      cancelStates: deps.cancelStates ?? [],
      now: deps.now,
      metrics: deps.metrics,
    }),
  };
}

export type Activities = ReturnType<typeof createActivities>;
