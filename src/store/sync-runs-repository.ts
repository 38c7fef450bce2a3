import type { Queryable } from './db.js';
import { storable } from './storable.js';

export interface SyncRunStart {
  branch: string;
  workflowId: string;
  /** Unique per run, so a retried activity does not open a second row. */
  runKey: string;
  kinds: string[];
  full: boolean;
  startedAt: string;
}

export interface SyncRunFinish {
  status: 'succeeded' | 'failed';
  counts: Record<string, unknown>;
  /** Records Postgres refused during the run, kept in `sync_rejects`; a run with some still succeeds. */
  rejects: number;
  error: string | null;
  finishedAt: string;
}

/** Opens the `sync_runs` row of a run and returns its id; idempotent per run key. */
export async function startSyncRun(db: Queryable, start: SyncRunStart): Promise<number> {
  const run = storable(start);
  const [row] = await db.query<{ id: number }>(
    `INSERT INTO sync_runs (branch, workflow_id, run_key, kinds, full_sync, started_at)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (run_key) DO UPDATE SET run_key = excluded.run_key
     RETURNING id`,
    [run.branch, run.workflowId, run.runKey, run.kinds, run.full, run.startedAt],
  );
  return row!.id;
}

/** Closes the run's row; the error (an activity's message) is made storable like any text. */
export async function finishSyncRun(db: Queryable, id: number, outcome: SyncRunFinish): Promise<void> {
  const finish = storable(outcome);
  await db.query(
    `UPDATE sync_runs SET status = $2, counts = $3::jsonb, rejects = $4, error = $5, finished_at = $6
      WHERE id = $1`,
    [id, finish.status, JSON.stringify(finish.counts), finish.rejects, finish.error, finish.finishedAt],
  );
}
