import type { Queryable } from './db.js';
import { dataErrorOf, describeDataError } from './data-errors.js';
import {
  type EntityRow,
  markSeen,
  type SeenIds,
  upsertEntities,
  type UpsertResult,
} from './entity-repository.js';
import { ENTITY_TABLES, type EntityKind } from './entity-tables.js';
import { recordSyncReject } from './sync-rejects-repository.js';

export interface RejectedRow {
  rentprogId: number;
  reason: string;
  /** The same record was already rejected in this run (or, without a run, before). */
  seenBefore: boolean;
}

export interface UpsertOrRejectResult extends UpsertResult {
  rejected: RejectedRow[];
}

/**
 * Upserts rows in one statement; when Postgres refuses that statement for its data, writes
 * them one by one, so a record no retry can store costs only itself: each row refused on
 * its own goes to `sync_rejects` with its SQLSTATE and the record, and the others are
 * stored. Any other error (Postgres away, a timeout) is thrown for the caller to retry.
 * Needs autocommit (a pool, not a transaction), where a failed statement leaves the next
 * one free to run. The `seen` ids are marked seen either way, refused ones included, so a
 * full run's reconciliation never takes a refused record for one RentProg deleted.
 */
export async function upsertEntitiesOrReject<K extends EntityKind>(
  db: Queryable,
  kind: K,
  branch: string,
  rows: EntityRow<K>[],
  syncRunId: number | null,
  seen?: SeenIds,
): Promise<UpsertOrRejectResult> {
  try {
    return { ...(await upsertEntities(db, kind, branch, rows, seen)), rejected: [] };
  } catch (err) {
    if (!dataErrorOf(err)) throw err;
  }
  const result: UpsertOrRejectResult = { inserted: 0, updated: 0, stale: 0, rejected: [] };
  for (const row of rows) {
    try {
      const written = await upsertEntities(db, kind, branch, [row]);
      result.inserted += written.inserted;
      result.updated += written.updated;
      result.stale += written.stale;
    } catch (err) {
      const dataError = dataErrorOf(err);
      if (!dataError) throw err;
      const reason = describeDataError(dataError, { table: ENTITY_TABLES[kind].table, branch });
      const first = await recordSyncReject(db, {
        branch,
        kind,
        rentprogId: row.rentprogId,
        reason,
        record: row.data,
        syncRunId,
      });
      result.rejected.push({ rentprogId: row.rentprogId, reason, seenBefore: !first });
    }
  }
  if (seen) await markSeen(db, kind, branch, seen.rentprogIds, seen.at);
  return result;
}
