import type { Queryable } from '../store/db.js';
import { storable } from '../store/storable.js';
import type { Incident, IncidentReport, IncidentStore } from './incident.js';
import type { IncidentKind } from './keys.js';

interface IncidentRow {
  id: number;
  key: string;
  kind: string;
  branch: string | null;
  detail: string;
  occurrences: number;
  opened_at: Date | string;
}

const COLUMNS = 'id, key, kind, branch, detail, occurrences, opened_at';

export const incidentOf = (row: IncidentRow): Incident => ({
  id: Number(row.id),
  key: row.key,
  kind: row.kind as IncidentKind,
  branch: row.branch,
  detail: row.detail,
  occurrences: row.occurrences,
  openedAt: new Date(row.opened_at),
});

/**
 * Incidents in Postgres (migration 5), shared by every process that reports them. The
 * partial unique index keeps one open row per key, so concurrent reporters of the same
 * failure meet on one row and only the one that inserted it announces it.
 */
export function tableIncidentStore(db: Queryable): IncidentStore {
  return {
    async record(report: IncidentReport, at: Date) {
      const detail = storable(report.detail);
      const [row] = await db.query<IncidentRow & { inserted: boolean }>(
        `INSERT INTO incidents (key, kind, branch, detail, opened_at, last_seen_at, last_alerted_at)
         VALUES ($1, $2, $3, $4, $5, $5, $5)
         ON CONFLICT (key) WHERE resolved_at IS NULL DO UPDATE SET
           occurrences = incidents.occurrences + 1, last_seen_at = excluded.last_seen_at,
           detail = excluded.detail
         RETURNING ${COLUMNS}, (xmax = 0) AS inserted`,
        [report.key, report.kind, report.branch ?? null, detail, at],
      );
      return { incident: incidentOf(row!), opened: row!.inserted };
    },

    async claimReminder(id: number, at: Date, everyMs: number) {
      const claimed = await db.query(
        `UPDATE incidents SET last_alerted_at = $2
          WHERE id = $1 AND resolved_at IS NULL
            AND (last_alerted_at IS NULL OR last_alerted_at <= $2::timestamptz - make_interval(secs => $3))
          RETURNING id`,
        [id, at, everyMs / 1000],
      );
      return claimed.length > 0;
    },

    async close(key: string, at: Date) {
      const [row] = await db.query<IncidentRow>(
        `UPDATE incidents SET resolved_at = $2 WHERE key = $1 AND resolved_at IS NULL RETURNING ${COLUMNS}`,
        [key, at],
      );
      return row && incidentOf(row);
    },

    openKeys() {
      return db.query<{ key: string; kind: string }>(
        'SELECT key, kind FROM incidents WHERE resolved_at IS NULL',
      );
    },
  };
}

/** Open incidents, oldest first, for `/alerts`. */
export async function openIncidents(db: Queryable): Promise<Incident[]> {
  const rows = await db.query<IncidentRow>(
    `SELECT ${COLUMNS} FROM incidents WHERE resolved_at IS NULL ORDER BY opened_at, id`,
  );
  return rows.map(incidentOf);
}
