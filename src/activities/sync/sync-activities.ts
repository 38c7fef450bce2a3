import { activityInfo, cancellationSignal } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { RentProgClient } from '../../rentprog/api/client.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../store/entity-rows.js';
import { fetchPage, type ListItem, type PageCursor } from '../../rentprog/api/pages.js';
import type { Incidents } from '../../incidents/incidents.js';
import { incidentKeys } from '../../incidents/keys.js';
import type { Metrics } from '../../metrics/metrics.js';
import { DATA_ERROR_TYPE, dataErrorOf, describeDataError } from '../../store/data-errors.js';
import type { Queryable } from '../../store/db.js';
import { markUnseenDeleted } from '../../store/entity-repository.js';
import { ENTITY_TABLES, type EntityKind } from '../../store/entity-tables.js';
import {
  finishSyncRun,
  startSyncRun,
  type SyncRunFinish,
  type SyncRunStart,
} from '../../store/sync-runs-repository.js';
import { upsertEntitiesOrReject } from '../../store/upsert-or-reject.js';
import { SLICE_TIME_MS, type SyncKind } from '../../workflows/branch-sync-types.js';
import { whileHeartbeating } from '../heartbeat.js';
import { rentprogCall } from '../rentprog-call.js';
import { PagesAhead } from './pages-ahead.js';

export interface SyncDeps {
  db: Queryable;
  rentprog: RentProgClient;
  timeZones: Record<string, string>;
  pageCap?: number;
  metrics?: Metrics;
  /** The clock a slice's time limit is read from; tests pass their own. */
  now?: () => Date;
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

/**
 * Pages fetched ahead of the one being written. One keeps RentProg busy while we write
 * as long as a write takes less than a request; a second would only help when writes
 * are slower, and would waste a second request when a write fails.
 */
export const PAGES_AHEAD = 1;

export const ENTITY_OF: Record<SyncKind, EntityKind> = {
  cars: 'car',
  clients: 'client',
  bookings: 'booking',
};

/** Activities of the `branchSync` workflow: a slice of pages per call, so a run resumes at the next slice. */
export function createSyncActivities(deps: SyncDeps) {
  const now = () => (deps.now ? deps.now().getTime() : Date.now());

  /** `signal` is the slice's: it carries Temporal's cancellation and the slice's end. */
  function fetchItems(request: SliceRequest, cursor: PageCursor, signal: AbortSignal) {
    return rentprogCall(async () => {
      const page = await fetchPage(deps.rentprog, request.branch, request.kind, cursor, {
        pageSize: request.pageSize,
        pageCap: deps.pageCap,
        signal,
      });
      return { value: page.items, next: page.next };
    });
  }

  async function writePage(request: SliceRequest, items: ListItem<SyncKind>[]) {
    const fetchedAt = new Date().toISOString();
    const context: ReadContext = {
      fetchedAt,
      timeZone: deps.timeZones[request.branch] ?? 'Asia/Tbilisi',
      seenBySync: true,
    };
    const rows = toRows(request.kind, items, context).filter(
      (row) =>
        !request.since ||
        request.kind !== 'bookings' ||
        withinWindow(row.columns as Record<string, unknown>, request.since),
    );
    const written = await upsertEntitiesOrReject(
      deps.db,
      ENTITY_OF[request.kind],
      request.branch,
      rows,
      request.syncRunId ?? null,
      { rentprogIds: items.map((item) => item.id), at: fetchedAt },
    );
    deps.metrics?.syncPage(request.branch, request.kind, items.length);
    return {
      fetched: items.length,
      upserted: written.inserted + written.updated,
      rejected: written.rejected.filter((reject) => !reject.seenBefore).length,
    };
  }

  /** Writes the next page of the slice; null when the slice has no more. */
  async function writeNext(request: SliceRequest, ahead: PagesAhead<ListItem<SyncKind>[]>) {
    const page = await ahead.next();
    return page && { ...(await writePage(request, page.value)), next: page.next };
  }

  return {
    /**
     * Walks up to `maxPages` pages from the cursor, fetching the next page while the one
     * before is written (PAGES_AHEAD). Only written pages count: the result and the
     * heartbeat details end at the first page not written, so the next slice, or a retry
     * after a lost worker, starts exactly there and a page fetched ahead but not written
     * is simply fetched again. A page that fails after others were written ends the slice
     * early with what is done; the next slice starts at that page and meets its failure
     * under the retry policy, so a retry never walks pages that were already written. No
     * request starts after SLICE_TIME_MS or past `maxPages`, and the pages already asked
     * for are written, so a slice that ends on time or on its limit wastes none.
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
          if (!result.next) return result;
          const started = now();
          const ahead = new PagesAhead({
            from: result.next,
            limit: request.maxPages - result.pages,
            depth: PAGES_AHEAD,
            mayStart: () => now() - started < SLICE_TIME_MS,
            fetch: (cursor, signal) => fetchItems(request, cursor, signal),
            signal: cancellationSignal(),
          });
          try {
            for (;;) {
              let step: Awaited<ReturnType<typeof writeNext>>;
              try {
                step = await writeNext(request, ahead);
              } catch (err) {
                if (result.pages === 0) throw failureOf(err, request);
                break;
              }
              if (!step) break;
              result.pages++;
              result.fetched += step.fetched;
              result.upserted += step.upserted;
              result.rejected += step.rejected;
              result.next = step.next;
            }
          } finally {
            ahead.stop();
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
