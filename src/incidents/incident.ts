import type { IncidentKind } from './keys.js';

/** Something broken, as a hook reports it: the same key again is the same incident. */
export interface IncidentReport {
  key: string;
  kind: IncidentKind;
  branch?: string;
  /**
   * What the alert says about it: the last reason (an error message, a probe's reason),
   * or for `temporal_away` how many webhooks wait in the spool.
   */
  detail: string;
}

export interface Incident {
  id: number;
  key: string;
  kind: IncidentKind;
  branch: string | null;
  detail: string;
  occurrences: number;
  openedAt: Date;
}

/** Where incidents live: the `incidents` table, or memory in a process without a database. */
export interface IncidentStore {
  /** Opens the incident, or counts one more occurrence of the open one (its detail becomes this one). */
  record(report: IncidentReport, at: Date): Promise<{ incident: Incident; opened: boolean }>;
  /** True at most once per `everyMs` while the incident is open: this caller sends the reminder. */
  claimReminder(id: number, at: Date, everyMs: number): Promise<boolean>;
  /** Closes the open incident of this key; undefined when none was open (or another closed it). */
  close(key: string, at: Date): Promise<Incident | undefined>;
  /** What is open now, for the cheap resolve check and the open-incidents gauge. */
  openKeys(): Promise<{ key: string; kind: string }[]>;
}
