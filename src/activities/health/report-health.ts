import type { Incidents } from '../../incidents/incidents.js';
import { incidentKeys } from '../../incidents/keys.js';
import type { Queryable } from '../../store/db.js';
import type { HealthReport, ProbeResult } from '../../workflows/health-check-types.js';

export interface HealthReportDeps {
  db: Queryable;
  incidents?: Incidents;
  /** The configured branches and RENTPROG_SYNC_INTERVAL, for the staleness check. */
  syncWatch?: { branches: string[]; intervalMs: number };
  now?: () => Date;
}

/** A scheduled check's report, with the check's own time so a retried report counts once. */
export type CheckedReport = HealthReport & { checkedAt: string };

/** Two failed checks in a row open a probe's incident; one may be a blip. */
export const FAILURES_TO_OPEN = 2;
/** No successful sync for this many intervals opens `sync-stale:<branch>`. */
export const STALE_AFTER_INTERVALS = 3;

/** The scheduled health check's last step: probe streaks and sync staleness become incidents. */
export function createHealthReportActivities(deps: HealthReportDeps) {
  const now = deps.now ?? (() => new Date());
  return {
    async reportHealth(report: CheckedReport): Promise<void> {
      for (const probe of report.probes) {
        if (probe.notConfigured) continue;
        const failures = await recordStreak(deps.db, probe, report.checkedAt);
        const key = incidentKeys.probe(probe.name);
        if (probe.ok) await deps.incidents?.resolve(key);
        else if (failures >= FAILURES_TO_OPEN) {
          await deps.incidents?.raise({
            key,
            kind: 'probe',
            branch: probe.name.startsWith('rentprog:') ? probe.name.slice('rentprog:'.length) : undefined,
            detail: probe.reason ?? 'failed',
          });
        }
      }
      if (deps.syncWatch) await checkSyncStaleness(deps, deps.syncWatch, now());
    },
  };
}

/**
 * Counts the probe's consecutive failures. A check's report is applied once: a retry of
 * the same check (same `checkedAt`) finds the row already at that time and changes nothing.
 */
async function recordStreak(db: Queryable, probe: ProbeResult, checkedAt: string): Promise<number> {
  await db.query(
    `INSERT INTO health_probe_streaks (name, consecutive_failures, last_reason, checked_at)
     VALUES ($1, $2, $3, $4)
     ON CONFLICT (name) DO UPDATE SET
       consecutive_failures = CASE WHEN $2 = 0 THEN 0 ELSE health_probe_streaks.consecutive_failures + 1 END,
       last_reason = excluded.last_reason, checked_at = excluded.checked_at
     WHERE health_probe_streaks.checked_at < excluded.checked_at`,
    [probe.name, probe.ok ? 0 : 1, probe.ok ? null : (probe.reason ?? null), checkedAt],
  );
  const [row] = await db.query<{ consecutive_failures: number }>(
    'SELECT consecutive_failures FROM health_probe_streaks WHERE name = $1',
    [probe.name],
  );
  return row?.consecutive_failures ?? 0;
}

/**
 * A branch is stale when its last successful sync run finished more than three intervals
 * ago, or, never having succeeded, its first run started that long ago. A branch that
 * has never run is not judged (the worker has not started its sync yet).
 */
async function checkSyncStaleness(
  deps: HealthReportDeps,
  watch: { branches: string[]; intervalMs: number },
  at: Date,
): Promise<void> {
  const rows = await deps.db.query<{ branch: string; last_success: Date | null; first_start: Date }>(
    `SELECT branch, max(finished_at) FILTER (WHERE status = 'succeeded') AS last_success,
            min(started_at) AS first_start
       FROM sync_runs WHERE branch = ANY($1) GROUP BY branch`,
    [watch.branches],
  );
  for (const row of rows) {
    const lastSuccess = row.last_success && new Date(row.last_success);
    const since = lastSuccess ?? new Date(row.first_start);
    const key = incidentKeys.syncStale(row.branch);
    if (at.getTime() - since.getTime() > STALE_AFTER_INTERVALS * watch.intervalMs) {
      await deps.incidents?.raise({
        key,
        kind: 'sync_stale',
        branch: row.branch,
        detail: lastSuccess ? lastSuccess.toISOString() : '',
      });
    } else {
      await deps.incidents?.resolve(key);
    }
  }
}

export type HealthReportActivities = ReturnType<typeof createHealthReportActivities>;
