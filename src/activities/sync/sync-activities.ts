import type { RentProgClient } from '../../rentprog/client.js';
import { bookingRow, carRow, clientRow, type ReadContext } from '../../rentprog/entity-rows.js';
import { fetchPage, type ListItem, type PageCursor } from '../../rentprog/pages.js';
import type { RentProgBooking, RentProgCar, RentProgClient as ClientRecord } from '../../rentprog/schemas.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { Queryable } from '../../store/db.js';
import { markSeen, markUnseenDeleted, upsertEntities } from '../../store/entity-repository.js';
import type { EntityKind } from '../../store/entity-tables.js';
import {
  finishSyncRun,
  startSyncRun,
  type SyncRunFinish,
  type SyncRunStart,
} from '../../store/sync-runs-repository.js';
import type { SyncKind } from '../../workflows/branch-sync-types.js';
import { rentprogCall } from '../rentprog-call.js';

export interface SyncDeps {
  db: Queryable;
  rentprog: RentProgClient;
  timeZones: Record<string, string>;
  pageCap?: number;
  metrics?: Metrics;
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
}

export interface SliceResult {
  pages: number;
  fetched: number;
  upserted: number;
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
    const written = await upsertEntities(deps.db, entity, request.branch, rows);
    await markSeen(
      deps.db,
      entity,
      request.branch,
      page.items.map((item) => item.id),
      fetchedAt,
    );
    deps.metrics?.syncPage(request.branch, request.kind, page.items.length);
    return { fetched: page.items.length, upserted: written.inserted + written.updated, next: page.next };
  }

  return {
    /**
     * Walks up to `maxPages` pages from the cursor, writing each page before fetching the
     * next. A page that fails after others succeeded ends the slice early with what is
     * done; the next slice starts at that page and meets its failure under the retry
     * policy, so a retry never walks pages that were already written.
     */
    async syncPages(request: SliceRequest): Promise<SliceResult> {
      const result: SliceResult = { pages: 0, fetched: 0, upserted: 0, next: request.cursor };
      const started = Date.now();
      while (result.next && result.pages < request.maxPages && Date.now() - started < SLICE_TIME_MS) {
        let page: Awaited<ReturnType<typeof syncPage>>;
        try {
          page = await syncPage(request, result.next);
        } catch (err) {
          if (result.pages === 0) throw err;
          break;
        }
        result.pages++;
        result.fetched += page.fetched;
        result.upserted += page.upserted;
        result.next = page.next;
      }
      return result;
    },

    async startSyncRun(run: SyncRunStart): Promise<number> {
      return startSyncRun(deps.db, run);
    },

    async finishSyncRun(request: { id: number; branch: string } & SyncRunFinish): Promise<void> {
      const { id, branch, ...finish } = request;
      await finishSyncRun(deps.db, id, finish);
      if (finish.status === 'succeeded') deps.metrics?.syncSucceeded(branch, new Date(finish.finishedAt));
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

export function toRows(kind: SyncKind, items: ListItem<SyncKind>[], context: ReadContext) {
  switch (kind) {
    case 'cars':
      return (items as RentProgCar[]).map((item) => carRow(item, context));
    case 'clients':
      return (items as ClientRecord[]).map((item) => clientRow(item, context));
    case 'bookings':
      return (items as RentProgBooking[]).map((item) => bookingRow(item, context));
  }
}

/** A booking belongs to the lookback if it starts or ends at or after `since` (or has no dates). */
function withinWindow(columns: { start_at?: unknown; end_at?: unknown }, since: string): boolean {
  const times = [columns.start_at, columns.end_at].filter((t): t is string => typeof t === 'string');
  return times.length === 0 || times.some((t) => t >= since);
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
