import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { SyncActivities } from '../activities/sync/sync-activities.js';
import { RENTPROG_RETRY_POLICY } from '../temporal/rentprog-retry-policy.js';
import {
  type ActiveRun,
  type BranchSyncInput,
  FIRST_CURSOR,
  type KindCounts,
  SYNC_KINDS,
  type SyncRequest,
  type SyncState,
  type SyncStatus,
  syncNowSignal,
  syncStatusQuery,
} from './branch-sync-types.js';
import { rentprogTaskQueue } from './task-queues.js';

const store = proxyActivities<SyncActivities>({
  startToCloseTimeout: '1m',
  retry: { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 20 },
});

const DAY_MS = 86_400_000;
// Workflow time is the start of the current task: deterministic, and what timers use.
const now = () => new Date().getTime();

/**
 * One branch's sync, running for good (id `rentprog-sync:<branch>`). It waits for the
 * interval or a `syncNow` signal, then walks cars, clients and bookings a slice of pages
 * per activity, keeping only cursors and counts, so a restarted worker resumes at the next
 * slice and memory stays flat however large the branch. Signals during a run collapse
 * into one more run right after, never a parallel one. When Temporal suggests it, the
 * workflow continues as new with its state, even mid-run, so history stays bounded.
 */
export async function branchSync(input: BranchSyncInput): Promise<void> {
  const { branch } = input;
  const state: SyncState = input.state ?? {
    pending: null,
    current: null,
    lastRun: null,
    runsCompleted: 0,
    lastFullAt: null,
  };
  let nextRunAt: number | null = null;
  setHandler(syncNowSignal, (request) => {
    state.pending = mergeRequests(state.pending, request);
  });
  setHandler(syncStatusQuery, () => statusOf(branch, state, nextRunAt));

  // A slice retries for up to 30 minutes rather than a count of attempts: under a storm of
  // failures eight attempts run out within two minutes, and a failed run starts over at
  // page 1 next time, while a page RentProg answers within the half hour keeps the walk.
  // Slices heartbeat every 2 s, so a slice whose worker died is retried once its heartbeats
  // have been missing for 10 s, not after the two-minute start-to-close.
  const pages = proxyActivities<SyncActivities>({
    taskQueue: rentprogTaskQueue(workflowInfo().taskQueue, branch),
    startToCloseTimeout: '2m',
    heartbeatTimeout: '10s',
    scheduleToCloseTimeout: '30m',
    retry: { ...RENTPROG_RETRY_POLICY, maximumAttempts: undefined },
  });

  for (;;) {
    if (!state.current) {
      if (state.lastRun) {
        nextRunAt = Date.parse(state.lastRun.finishedAt) + input.intervalMs;
        const wait = nextRunAt - now();
        if (wait > 0 && state.pending === null) await condition(() => state.pending !== null, wait);
      }
      nextRunAt = null;
      state.current = await beginRun(input, state);
    }
    const finished = await walk(input, state.current, pages);
    if (finished) await finishRun(branch, state, finished);
    if (workflowInfo().continueAsNewSuggested) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof branchSync>({ ...input, state });
    }
  }
}

async function beginRun(input: BranchSyncInput, state: SyncState): Promise<ActiveRun> {
  const request = state.pending ?? {};
  state.pending = null;
  const startedAt = new Date(now()).toISOString();
  const fullDue = state.lastFullAt === null || now() - Date.parse(state.lastFullAt) >= input.fullEveryMs;
  const full = request.full ?? (request.kinds === undefined && fullDue);
  const kinds = request.kinds ?? [...SYNC_KINDS];
  const runNumber = state.runsCompleted + 1;
  const syncRunId = await store.startSyncRun({
    branch: input.branch,
    workflowId: workflowInfo().workflowId,
    runKey: `${workflowInfo().firstExecutionRunId}:${runNumber}`,
    kinds,
    full,
    startedAt,
  });
  return {
    syncRunId,
    runNumber,
    kinds: SYNC_KINDS.filter((kind) => kinds.includes(kind)),
    full,
    startedAt,
    since: full ? null : new Date(now() - input.pollSinceDays * DAY_MS).toISOString(),
    kindIndex: 0,
    cursor: FIRST_CURSOR,
    counts: {},
  };
}

/**
 * Walks from where the run stands. Returns the errors once the run is over, or null
 * when it stopped early for a continue-as-new.
 */
async function walk(
  input: BranchSyncInput,
  run: ActiveRun,
  pages: ReturnType<typeof proxyActivities<SyncActivities>>,
): Promise<{ errors: string[] } | null> {
  try {
    while (run.kindIndex < run.kinds.length) {
      const kind = run.kinds[run.kindIndex]!;
      const counts = (run.counts[kind] ??= { pages: 0, fetched: 0, upserted: 0, deleted: 0, rejected: 0 });
      const slice = await pages.syncPages({
        branch: input.branch,
        kind,
        cursor: run.cursor,
        pageSize: input.pageSize,
        maxPages: input.pagesPerActivity ?? 1,
        since: run.since,
        syncRunId: run.syncRunId,
      });
      counts.pages += slice.pages;
      counts.fetched += slice.fetched;
      counts.upserted += slice.upserted;
      counts.rejected = (counts.rejected ?? 0) + slice.rejected;
      if (slice.next) {
        run.cursor = slice.next;
      } else {
        if (run.full) {
          counts.deleted = await store.reconcileDeleted({
            branch: input.branch,
            kind,
            walkStartedAt: run.startedAt,
          });
        }
        run.kindIndex++;
        run.cursor = FIRST_CURSOR;
      }
      if (run.kindIndex < run.kinds.length && workflowInfo().continueAsNewSuggested) return null;
    }
    return { errors: [] };
  } catch (err) {
    // A page that failed for good (RentProg refused, or retries ran out) ends this run;
    // the next interval tries again. Anything else is a bug and fails the workflow task.
    if (!(err instanceof ActivityFailure)) throw err;
    return { errors: [err.cause?.message ?? err.message] };
  }
}

async function finishRun(branch: string, state: SyncState, { errors }: { errors: string[] }): Promise<void> {
  const run = state.current!;
  const finishedAt = new Date(now()).toISOString();
  // Records Postgres refused do not fail a run: they are kept in sync_rejects and counted.
  const status = errors.length === 0 ? 'succeeded' : 'failed';
  const rejects = Object.values(run.counts).reduce((sum, counts) => sum + (counts.rejected ?? 0), 0);
  await store.finishSyncRun({
    id: run.syncRunId,
    branch,
    status,
    counts: run.counts,
    rejects,
    error: errors[0] ?? null,
    finishedAt,
  });
  state.lastRun = {
    runNumber: run.runNumber,
    full: run.full,
    startedAt: run.startedAt,
    finishedAt,
    status,
    counts: run.counts,
    rejects,
    errors,
  };
  if (run.full && status === 'succeeded') state.lastFullAt = finishedAt;
  state.runsCompleted++;
  state.current = null;
}

/** Several requests before a run starts become one: the union of kinds, full if any was. */
export function mergeRequests(a: SyncRequest | null, b: SyncRequest): SyncRequest {
  if (!a) return { ...b };
  const kinds = a.kinds && b.kinds ? [...new Set([...a.kinds, ...b.kinds])] : undefined;
  const full = a.full || b.full ? true : a.full === false || b.full === false ? false : undefined;
  return { ...(kinds ? { kinds } : {}), ...(full === undefined ? {} : { full }) };
}

function statusOf(branch: string, state: SyncState, nextRunAt: number | null): SyncStatus {
  const run = state.current;
  const kind = run?.kinds[Math.min(run.kindIndex, run.kinds.length - 1)];
  const counts: KindCounts | undefined = kind ? run?.counts[kind] : undefined;
  return {
    branch,
    state: run ? 'running' : 'idle',
    current:
      run && kind
        ? {
            kind,
            page: run.cursor.page,
            fetched: counts?.fetched ?? 0,
            upserted: counts?.upserted ?? 0,
            full: run.full,
            startedAt: run.startedAt,
          }
        : null,
    progress: run ? run.counts : null,
    lastRun: state.lastRun,
    runsCompleted: state.runsCompleted,
    pending: state.pending,
    nextRunAt: nextRunAt === null ? null : new Date(nextRunAt).toISOString(),
  };
}
