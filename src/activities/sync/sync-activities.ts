import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { RentProgClient } from '../../rentprog/api/client.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../store/entity-rows.js';
import { fetchPage, type ListItem, type PageCursor } from '../../rentprog/api/pages.js';
import type { Incidents } from '../../incidents/incidents.js';
import { incidentKeys } from '../../incidents/keys.js';
import type { Metrics } from '../../metrics/metrics.js';
import { DATA_ERROR_TYPE, dataErrorOf, describeDataError } from '../../store/data-errors.js';
import type { Queryable } from '../../store/db.js';
import { markSeen, markUnseenDeleted } from '../../store/entity-repository.js';
import { ENTITY_TABLES, type EntityKind } from '../../store/entity-tables.js';
import {
  finishSyncRun,
  startSyncRun,
  type SyncRunFinish,
  type SyncRunStart,
} from '../../store/sync-runs-repository.js';
import { upsertEntitiesOrReject } from '../../store/upsert-or-reject.js';
import type { SyncKind } from '../../workflows/branch-sync-types.js';
import { whileHeartbeating } from '../heartbeat.js';
import { rentprogCall } from '../rentprog-call.js';

export interface SyncDeps {
  db: Queryable;
  rentprog: RentProgClient;
  timeZones: Record<string, string>;
  pageCap?: number;
  metrics?: Metrics;
  incidents?: Incidents;
}

export interface SliceRequest {
  branch: string;
  kind: SyncKind;
  cursor: PageCursor;
  pageSize: number;
  /** Pages to walk in this call at most; the slice also ends after SLICE_TIME_MS. */
  maxPages: number;
  /** Bookings whose start and end both lie before this are skipped (no "since" filter in the API). */
  since: string | null;
  /** The `sync_runs` row, for the records Postgres refuses (absent in slices scheduled before rejects). */
  syncRunId?: number;
}

export interface SliceResult {
  pages: number;
  fetched: number;
  upserted: number;
  /** Records Postgres refused, now in `sync_rejects`, each counted once per run. */
  rejected: number;
  next: PageCursor | null;
}

/** A slice stays well inside the activity's timeout and a worker's shutdown grace. */
export const SLICE_TIME_MS = 10_000;

export const ENTITY_OF: Record<SyncKind, EntityKind> = {
  cars: 'car',
  clients: 'client',
  bookings: 'booking',
};

/** Activities of the `branchSync` workflow: a slice of pages per call, so a run resumes at the next slice. */
export function createSyncActivities(deps: SyncDeps) {
  async function syncPage(request: SliceRequest, cursor: PageCursor) {
    const page = await rentprogCall((signal) =>
      fetchPage(deps.rentprog, request.branch, request.kind, cursor, {
        pageSize: request.pageSize,
        pageCap: deps.pageCap,
        signal,
      }),
    );
    const fetchedAt = new Date().toISOString();
    const context: ReadContext = {
      fetchedAt,
      timeZone: deps.timeZones[request.branch] ?? 'Asia/Tbilisi',
      seenBySync: true,
    };
    const entity = ENTITY_OF[request.kind];
    const rows = toRows(request.kind, page.items, context).filter(
      (row) =>
        !request.since ||
        request.kind !== 'bookings' ||
        withinWindow(row.columns as Record<string, unknown>, request.since),
    );
    const written = await upsertEntitiesOrReject(
      deps.db,
      entity,
      request.branch,
      rows,
      request.syncRunId ?? null,
    );
    await markSeen(
      deps.db,
      entity,
      request.branch,
      page.items.map((item) => item.id),
      fetchedAt,
    );
    deps.metrics?.syncPage(request.branch, request.kind, page.items.length);
    return {
      fetched: page.items.length,
      upserted: written.inserted + written.updated,
      rejected: written.rejected.filter((reject) => !reject.seenBefore).length,
      next: page.next,
    };
  }

  return {
    /**
     * Walks up to `maxPages` pages from the cursor, writing each page before fetching the
     * next. A page that fails after others succeeded ends the slice early with what is
     * done; the next slice starts at that page and meets its failure under the retry
     * policy, so a retry never walks pages that were already written. While it runs it
     * heartbeats its progress, so a retry after a lost worker goes on from the last page
     * it reported rather than from the slice's start.
     */
    async syncPages(request: SliceRequest): Promise<SliceResult> {
      const result: SliceResult = (activityInfo().heartbeatDetails as SliceResult | undefined) ?? {
        pages: 0,
        fetched: 0,
        upserted: 0,
        rejected: 0,
        next: request.cursor,
      };
      return whileHeartbeating(
        async () => {
          const started = Date.now();
          while (result.next && result.pages < request.maxPages && Date.now() - started < SLICE_TIME_MS) {
            let page: Awaited<ReturnType<typeof syncPage>>;
            try {
              page = await syncPage(request, result.next);
            } catch (err) {
              if (result.pages === 0) throw failureOf(err, request);
              break;
            }
            result.pages++;
            result.fetched += page.fetched;
            result.upserted += page.upserted;
            result.rejected += page.rejected;
            result.next = page.next;
          }
          return result;
        },
        () => ({ ...result }),
      );
    },

    async startSyncRun(run: SyncRunStart): Promise<number> {
      return startSyncRun(deps.db, run);
    },

    async finishSyncRun(request: { id: number; branch: string } & SyncRunFinish): Promise<void> {
      const { id, branch, ...finish } = request;
      await finishSyncRun(deps.db, id, finish);
      if (finish.status === 'succeeded') {
        deps.metrics?.syncSucceeded(branch, new Date(finish.finishedAt));
        await deps.incidents?.resolve(incidentKeys.syncFailed(branch));
        await deps.incidents?.resolve(incidentKeys.syncStale(branch));
      } else {
        await deps.incidents?.raise({
          key: incidentKeys.syncFailed(branch),
          kind: 'sync_failed',
          branch,
          detail: finish.error ?? 'no reason recorded',
        });
      }
    },

    async reconcileDeleted(request: {
      branch: string;
      kind: SyncKind;
      walkStartedAt: string;
    }): Promise<number> {
      return markUnseenDeleted(
        deps.db,
        ENTITY_OF[request.kind],
        request.branch,
        request.walkStartedAt,
        new Date().toISOString(),
      );
    },
  };
}

/**
 * A value Postgres refuses outside the row-by-row fallback (which already keeps refused
 * records in `sync_rejects`) fails the slice for good with its reason, rather than being
 * retried for half an hour to the same answer.
 */
function failureOf(err: unknown, request: SliceRequest): unknown {
  const dataError = dataErrorOf(err);
  if (!dataError) return err;
  const table = ENTITY_TABLES[ENTITY_OF[request.kind]].table;
  return ApplicationFailure.create({
    type: DATA_ERROR_TYPE,
    message: describeDataError(dataError, { table, branch: request.branch }),
    nonRetryable: true,
  });
}

export function toRows(kind: SyncKind, items: ListItem<SyncKind>[], context: ReadContext) {
  switch (kind) {
    case 'cars':
      return items.map((item) => carRow(item, context));
    case 'clients':
      return items.map((item) => clientRow(item, context));
    case 'bookings':
      return items.map((item) => bookingRow(item, context));
  }
}

/** A booking belongs to the lookback if it starts or ends at or after `since` (or has no dates). */
function withinWindow(columns: { start_at?: unknown; end_at?: unknown }, since: string): boolean {
  const times = [columns.start_at, columns.end_at].filter((t): t is string => typeof t === 'string');
  return times.length === 0 || times.some((t) => t >= since);
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
