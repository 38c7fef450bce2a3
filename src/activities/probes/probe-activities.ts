import type { Queryable } from '../../store/db.js';
import type { ProbeResult, ProbeSpec } from '../../workflows/health-check-types.js';
import { shortReason } from './short-reason.js';
import { withDeadline } from './with-deadline.js';

export interface ProbeDeps {
  db: Queryable;
  /** How long one probe may take before it counts as failed. */
  probeTimeoutMs?: number;
}

/** Probes return results, never throw: a failing dependency is the answer, not an error. */
export function createProbeActivities(deps: ProbeDeps) {
  const timeoutMs = deps.probeTimeoutMs ?? 5000;
  const checks: Record<ProbeSpec['kind'], (spec: ProbeSpec) => Promise<unknown>> = {
    database: () => deps.db.query('SELECT 1 AS ok'),
  };

  return {
    async runProbe(spec: ProbeSpec): Promise<ProbeResult> {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      try {
        await withDeadline(timeoutMs, checks[spec.kind](spec));
        return { name: spec.name, ok: true, latencyMs: latencyMs() };
      } catch (err) {
        return { name: spec.name, ok: false, reason: shortReason(err), latencyMs: latencyMs() };
      }
    },
  };
}

export type ProbeActivities = ReturnType<typeof createProbeActivities>;
