import type { RentProgClient } from '../../rentprog/api/client.js';
import { pingBranch } from '../../rentprog/api/ping.js';
import type { Metrics } from '../../metrics/metrics.js';
import type { Queryable } from '../../store/db.js';
import type { ProbeResult, ProbeSpec } from '../../workflows/health-check-types.js';
import { probeHttp } from './http-probe.js';
import { shortReason } from './short-reason.js';
import { withDeadline } from './with-deadline.js';

export interface ProbeDeps {
  db: Queryable;
  rentprog: RentProgClient;
  metrics?: Metrics;
  umnico?: { token?: string; baseUrl: string };
  stripe?: { secretKey?: string; baseUrl: string };
  /** How long one probe may take before it counts as failed. */
  probeTimeoutMs?: number;
}

/** Probes return results, never throw: a failing dependency is the answer, not an error. */
export function createProbeActivities(deps: ProbeDeps) {
  const timeoutMs = deps.probeTimeoutMs ?? 5000;
  const check = (spec: ProbeSpec, signal: AbortSignal): Promise<unknown> => {
    switch (spec.kind) {
      case 'database':
        return deps.db.query('SELECT 1 AS ok');
      case 'rentprog':
        return pingBranch(deps.rentprog, spec.branch, signal);
      case 'umnico':
        return probeHttp(`${deps.umnico!.baseUrl}/v1.3/managers`, deps.umnico!.token!, signal);
      case 'stripe':
        return probeHttp(`${deps.stripe!.baseUrl}/v1/balance`, deps.stripe!.secretKey!, signal);
    }
  };
  const configured = (spec: ProbeSpec) =>
    spec.kind === 'umnico'
      ? Boolean(deps.umnico?.token)
      : spec.kind === 'stripe'
        ? Boolean(deps.stripe?.secretKey)
        : true;

  return {
    async runProbe(spec: ProbeSpec): Promise<ProbeResult> {
      if (!configured(spec)) return { name: spec.name, ok: false, notConfigured: true, latencyMs: 0 };
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      const abandon = new AbortController();
      try {
        await withDeadline(timeoutMs, check(spec, abandon.signal));
        deps.metrics?.probe(spec.name, true);
        return { name: spec.name, ok: true, latencyMs: latencyMs() };
      } catch (err) {
        deps.metrics?.probe(spec.name, false);
        return { name: spec.name, ok: false, reason: shortReason(err), latencyMs: latencyMs() };
      } finally {
        abandon.abort();
      }
    },
  };
}

export type ProbeActivities = ReturnType<typeof createProbeActivities>;
