import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { PageCursor } from '../rentprog/api/pages.js';

export const SYNC_KINDS = ['cars', 'clients', 'bookings'] as const;
export type SyncKind = (typeof SYNC_KINDS)[number];

/** What `syncNow` asks for: some kinds only, or a full walk with reconciliation. */
export interface SyncRequest {
  kinds?: SyncKind[];
  full?: boolean;
}

export interface KindCounts {
  pages: number;
  fetched: number;
  /** Rows inserted or replaced by newer data. */
  upserted: number;
  /** Rows marked deleted by a full run's reconciliation. */
  deleted: number;
  /** Records Postgres refused, kept in `sync_rejects` (absent in counts begun before rejects were counted). */
  rejected?: number;
}

/** A run under way; kept in the workflow state so a continue-as-new resumes it mid-walk. */
export interface ActiveRun {
  syncRunId: number;
  runNumber: number;
  kinds: SyncKind[];
  full: boolean;
  startedAt: string;
  /** Bookings starting or ending before this are left alone (null for a full run). */
  since: string | null;
  kindIndex: number;
  /** The next page of the current kind. */
  cursor: PageCursor;
  counts: Partial<Record<SyncKind, KindCounts>>;
}

export const FIRST_CURSOR: PageCursor = { page: 1, largestPage: 0 };

export interface RunSummary {
  runNumber: number;
  full: boolean;
  startedAt: string;
  finishedAt: string;
  status: 'succeeded' | 'failed';
  counts: Partial<Record<SyncKind, KindCounts>>;
  /** Records Postgres refused in this run, all kinds; the run still succeeds with them. */
  rejects: number;
  errors: string[];
}

/** Carried across continue-as-new: plain JSON, cursors and counts only, never data. */
export interface SyncState {
  pending: SyncRequest | null;
  current: ActiveRun | null;
  lastRun: RunSummary | null;
  runsCompleted: number;
  /** When the last full run (with reconciliation) finished. */
  lastFullAt: string | null;
}

export interface BranchSyncInput {
  branch: string;
  intervalMs: number;
  pageSize: number;
  /** Pages one activity walks (default 1); see `pagesPerActivity`. */
  pagesPerActivity?: number;
  pollSinceDays: number;
  /** A scheduled run is a full one when the last full run is older than this. */
  fullEveryMs: number;
  state?: SyncState;
}

export interface SyncStatus {
  branch: string;
  state: 'idle' | 'running';
  current: {
    kind: SyncKind;
    page: number;
    fetched: number;
    upserted: number;
    full: boolean;
    startedAt: string;
  } | null;
  /** Totals of the run under way, per kind. */
  progress: Partial<Record<SyncKind, KindCounts>> | null;
  lastRun: RunSummary | null;
  runsCompleted: number;
  pending: SyncRequest | null;
  nextRunAt: string | null;
}

export const syncNowSignal = defineSignal<[SyncRequest]>('syncNow');
export const syncStatusQuery = defineQuery<SyncStatus>('syncStatus');

export const branchSyncWorkflowId = (branch: string) => `rentprog-sync:${branch}`;

/**
 * How many pages one sync activity may walk for a request budget. An activity round trip
 * costs the engine about 100 ms, so below 600 requests a minute (RentProg's real budget
 * is ~120) every page keeps its own activity and the per-branch task queue's dispatch
 * limit holds the budget across processes exactly; above it, an activity carries as many
 * pages as the budget allows in 100 ms (at most 50), paced by the client's throttle.
 */
export function pagesPerActivity(maxRequestsPerMinute: number): number {
  return Math.min(50, Math.max(1, Math.floor(maxRequestsPerMinute / 600)));
}
