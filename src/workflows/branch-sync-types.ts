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

/** A sync slice stays well inside its activity's timeout and a worker's shutdown grace. */
export const SLICE_TIME_MS = 10_000;

/**
 * How many pages one sync activity may walk for a request budget. Below 1,200 requests a
 * minute (RentProg's real budget is ~120) every page keeps its own activity and the
 * per-branch task queue's dispatch limit holds the budget across processes exactly.
 * Above it an activity round trip (~100 ms on the engine) costs more than a request, so a
 * slice takes as many pages as the budget allows in SLICE_TIME_MS, paced by the client's
 * throttle: slices then end on time, and the round trip between two of them costs 1% of
 * a slice instead of the 6% it cost after 50 pages of 30 ms.
 */
export function pagesPerActivity(maxRequestsPerMinute: number): number {
  if (maxRequestsPerMinute < 1200) return 1;
  return Math.floor((maxRequestsPerMinute * SLICE_TIME_MS) / 60_000);
}
