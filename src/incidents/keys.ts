/** What broke; the `kind` label of the incident metrics and of the alert texts. */
export const INCIDENT_KINDS = [
  'auth',
  'sync_failed',
  'sync_stale',
  'event_failed',
  'quarantine',
  'probe',
  'temporal_away',
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

/** One open incident per key at most: the same failure again only counts another occurrence. */
export const incidentKeys = {
  auth: (branch: string) => `auth:${branch}`,
  syncFailed: (branch: string) => `sync-failed:${branch}`,
  syncStale: (branch: string) => `sync-stale:${branch}`,
  eventFailed: (branch: string) => `event-failed:${branch}`,
  quarantine: (branch: string) => `quarantine:${branch}`,
  probe: (name: string) => `probe:${name}`,
  temporalAway: 'temporal-away',
} as const;

/** The probe a `probe:<name>` key is about (`rentprog:batumi`, `database`). */
export const probeNameOf = (key: string): string => key.replace(/^probe:/, '');
