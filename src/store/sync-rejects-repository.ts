import type { Queryable } from './db.js';
import type { EntityKind } from './entity-tables.js';
import { storable } from './storable.js';

/** A RentProg record Postgres refused to store, kept so nothing is lost and someone can look. */
export interface SyncReject {
  branch: string;
  kind: EntityKind;
  rentprogId: number;
  /** SQLSTATE and the server's message (describeDataError). */
  reason: string;
  /** The record as RentProg sent it. */
  record: unknown;
  /** The sync run that met it; null when a webhook's fetch did. */
  syncRunId: number | null;
}

/**
 * Records a reject; the same record again in the same run (a retried slice), or again
 * from a webhook, updates its row. Returns true only the first time, so a run counts
 * each rejected record once however often its page was walked.
 */
export async function recordSyncReject(db: Queryable, reject: SyncReject): Promise<boolean> {
  const safe = storable(reject);
  const [row] = await db.query<{ inserted: boolean }>(
    `INSERT INTO sync_rejects (branch, kind, rentprog_id, reason, record, sync_run_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6)
     ON CONFLICT (branch, kind, rentprog_id, (COALESCE(sync_run_id, 0))) DO UPDATE SET
       reason = excluded.reason, record = excluded.record, rejected_at = now()
     RETURNING (xmax = 0) AS inserted`,
    [
      safe.branch,
      safe.kind,
      safe.rentprogId,
      safe.reason,
      JSON.stringify(safe.record ?? null),
      safe.syncRunId,
    ],
  );
  return row!.inserted;
}
