import type { RentProgClient } from '../rentprog/client.js';
import type { Db } from '../store/db.js';
import { createProbeActivities } from './probes/probe-activities.js';

/** Everything activities need from the outside world, passed in so tests use real local servers. */
export interface ActivityDeps {
  db: Db;
  rentprog: RentProgClient;
  probeTimeoutMs?: number;
}

/** All activities the worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createProbeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
